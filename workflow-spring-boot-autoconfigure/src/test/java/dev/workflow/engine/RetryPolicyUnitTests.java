package dev.workflow.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import dev.workflow.api.NonRetryableStepException;
import dev.workflow.api.StepTimeoutException;
import dev.workflow.api.WorkflowException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a failed step runs again: exponential backoff up to the longest wait, jitter within its share, no retry once
 * the attempts are spent or for what is marked non-retryable. No servers.
 */
class RetryPolicyUnitTests {

	private static final RuntimeException FAILURE = new IllegalStateException("boom");

	@Test
	void theWaitGrowsByTheMultiplierFromTheInitialDelayUpToTheLongestWait() {
		RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(1), 3, Duration.ofSeconds(30), 0, List.of());

		assertThat(List.of(1, 2, 3, 4, 5).stream().map((attempt) -> policy.retryDelay(attempt, FAILURE)))
			.containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(9), Duration.ofSeconds(27),
					Duration.ofSeconds(30));
	}

	@Test
	void whenTheAttemptsAreSpentThenThereIsNoRetry() {
		RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(1), 2, Duration.ofMinutes(1), 0, List.of());

		assertThat(policy.retryDelay(2, FAILURE)).isEqualTo(Duration.ofSeconds(2));
		assertThat(policy.retryDelay(3, FAILURE)).isNull();
		assertThat(new RetryPolicy(1, Duration.ofSeconds(1), 2, Duration.ofMinutes(1), 0, List.of())
			.retryDelay(1, FAILURE)).as("one attempt means no retry").isNull();
	}

	@Test
	void theJitterSpreadsEachWaitWithinItsShareAroundTheWait() {
		RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(10), 2, Duration.ofMinutes(1), 0.2, List.of());

		List<Duration> delays = IntStream.range(0, 500)
			.mapToObj((i) -> policy.retryDelay(1, FAILURE))
			.toList();

		assertThat(delays).allSatisfy((delay) -> assertThat(delay).isBetween(Duration.ofSeconds(8),
				Duration.ofSeconds(12)));
		assertThat(delays.stream().distinct().count()).as("the waits are spread, not all the same").isGreaterThan(10);
	}

	@Test
	void aNonRetryableStepExceptionIsNotRetriedAlsoWhenItIsTheCause() {
		RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), 2, Duration.ofMinutes(1), 0, List.of());

		assertThat(policy.retryDelay(1, new NonRetryableStepException("card declined"))).isNull();
		assertThat(policy.retryDelay(1, new IllegalStateException(new NonRetryableStepException("card declined"))))
			.isNull();
	}

	@Test
	void theConfiguredNonRetryableTypesAndTheirSubtypesAreNotRetriedAlsoWhenTheyAreTheCause() {
		RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), 2, Duration.ofMinutes(1), 0,
				List.of(IllegalArgumentException.class));

		assertThat(policy.retryDelay(1, new IllegalArgumentException("bad"))).isNull();
		assertThat(policy.retryDelay(1, new NumberFormatException("bad"))).as("a subtype").isNull();
		assertThat(policy.retryDelay(1, new RuntimeException(new IllegalArgumentException("bad")))).isNull();
		assertThat(policy.retryDelay(1, new UncheckedIOException(new IOException("reset"))))
			.isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void aTimedOutAttemptIsRetriedEvenWhenItsTypeIsAmongTheNonRetryableOnes() {
		RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), 2, Duration.ofMinutes(1), 0,
				List.of(WorkflowException.class));

		assertThat(policy.retryDelay(1, new StepTimeoutException("too slow"))).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void aCauseThatIsItsOwnCauseEndsTheSearch() {
		RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), 2, Duration.ofMinutes(1), 0,
				List.of(IllegalArgumentException.class));
		RuntimeException selfCaused = new RuntimeException() {

			@Override
			public synchronized Throwable getCause() {
				return this;
			}

		};

		assertThat(policy.retryDelay(1, selfCaused)).isEqualTo(Duration.ofSeconds(1));
	}

}

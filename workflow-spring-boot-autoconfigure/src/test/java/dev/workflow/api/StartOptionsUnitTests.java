package dev.workflow.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class StartOptionsUnitTests {

	@Test
	void whenPriorityIsOutOfRangeThenTheOptionsRefuseItNamingTheRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> StartOptions.defaults().priority(101))
			.withMessage("A job's priority goes from 0 to 100 (higher first), not 101");
		assertThatIllegalArgumentException().isThrownBy(() -> StartOptions.defaults().priority(-1))
			.withMessageContaining("not -1");
	}

	@Test
	void whenConcurrencyKeyIsEmptyOrTooLongThenTheOptionsRefuseIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> StartOptions.defaults().concurrencyKey(""))
			.withMessageContaining("A concurrency key must have 1 to 200 characters");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StartOptions.defaults().concurrencyKey("k".repeat(201)));
	}

	@Test
	void whenTimeoutIsNotPositiveThenTheOptionsRefuseIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> StartOptions.defaults().timeout(java.time.Duration.ZERO))
			.withMessage("A job's timeout must be positive, not PT0S");
	}

	@Test
	void whenADebounceIsOutOfRangeOrGivenWithAnIdempotencyKeyThenTheOptionsRefuseIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StartOptions.defaults().debounce("", java.time.Duration.ofSeconds(1)))
			.withMessageContaining("A debounce key must have 1 to 200 characters");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StartOptions.defaults().debounce("k", java.time.Duration.ofSeconds(-1)))
			.withMessage("A debounce window must be positive and at most PT8760H, not PT-1S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StartOptions.defaults().idempotencyKey("order-1").debounce("k",
					java.time.Duration.ofSeconds(1)))
			.withMessageContaining("it takes no idempotency key ('order-1')");
		StartOptions.Debounce debounce = StartOptions.defaults()
			.debounce("k", java.time.Duration.ofSeconds(2))
			.priority(5)
			.debounce();
		assertThat(debounce).isEqualTo(new StartOptions.Debounce("k", java.time.Duration.ofSeconds(2)));
	}

	@Test
	void whenOptionsAreCopiedThenEachKeepsTheOthers() {
		StartOptions options = StartOptions.defaults()
			.concurrencyKey("customer-42")
			.priority(7)
			.idempotencyKey("order-1")
			.timeout(java.time.Duration.ofMinutes(3))
			.userContext(java.util.Map.of("a", 1));
		assertThat(options.concurrencyKey()).isEqualTo("customer-42");
		assertThat(options.priority()).isEqualTo(7);
		assertThat(options.idempotencyKey()).isEqualTo("order-1");
		assertThat(options.stepContext(null).priority()).isEqualTo(7);
		assertThat(options.priority(8).timeout()).isEqualTo(java.time.Duration.ofMinutes(3));
	}

}

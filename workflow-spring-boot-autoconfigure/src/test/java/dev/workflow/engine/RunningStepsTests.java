package dev.workflow.engine;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.workflow.registry.StepDefinition;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The running steps of an instance, without servers: two runs of one step execution under two claims (the first one
 * lost its lease and the step came back to this instance) each keep their own entry.
 */
class RunningStepsTests {

	@Test
	void whenALateRunOfALostClaimReturnsThenTheRunThatTookItsPlaceKeepsItsLease() throws Exception {
		RunningSteps running = new RunningSteps();
		UUID execution = UUID.randomUUID();
		CountDownLatch firstStarted = new CountDownLatch(1);
		CountDownLatch releaseFirst = new CountDownLatch(1);
		CountDownLatch secondStarted = new CountDownLatch(1);
		CountDownLatch releaseSecond = new CountDownLatch(1);
		// Threads of its own: the common pool may have a single thread (two cores), which the first run would block.
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			CompletableFuture<Object> first = CompletableFuture.supplyAsync(
					() -> run(running, execution, 1, firstStarted, releaseFirst), threads);
			assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<Object> second = CompletableFuture.supplyAsync(
					() -> run(running, execution, 2, secondStarted, releaseSecond), threads);
			assertThat(secondStarted.await(10, TimeUnit.SECONDS)).isTrue();

			releaseFirst.countDown();
			first.get(10, TimeUnit.SECONDS);
			assertThat(running.leased()).as("leases to renew after the late run returned")
				.containsExactlyEntriesOf(Map.of(execution, 2));

			releaseSecond.countDown();
			second.get(10, TimeUnit.SECONDS);
			assertThat(running.leased()).isEmpty();
		}
		finally {
			releaseFirst.countDown();
			releaseSecond.countDown();
			threads.shutdownNow();
		}
	}

	private static Object run(RunningSteps running, UUID execution, int epoch, CountDownLatch started,
			CountDownLatch release) {
		Method method = ReflectionUtils.findMethod(Waiting.class, "await");
		Waiting bean = new Waiting(started, release);
		StepInvoker invoker = StepInvoker.bindCallable(new StepDefinition("", "wait", 0, 0, bean, method, method),
				new WorkflowJson(JsonMapper.builder().build()), List.of(), new EngineSettings("worker", 1,
						Duration.ZERO, 1, Duration.ZERO, 0, List.of(), Duration.ofMinutes(1), Duration.ofMinutes(1), 1,
						Duration.ofMinutes(1), 0, Duration.ofMinutes(1), 1, 1, Duration.ofHours(1), Duration.ofMillis(500),
						Duration.ofSeconds(30), 0, Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(5), Map.of(),
						Clock.systemUTC()));
		try {
			return running.run(execution, epoch, invoker, new StepCall(null, null, null, null));
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A step that waits until released.
	 */
	public static final class Waiting {

		private final CountDownLatch started;

		private final CountDownLatch release;

		Waiting(CountDownLatch started, CountDownLatch release) {
			this.started = started;
			this.release = release;
		}

		public String await() throws InterruptedException {
			this.started.countDown();
			this.release.await();
			return "released";
		}

	}

}

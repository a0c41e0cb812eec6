package dev.workflow.test.workflows;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.NonRetryableStepException;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Workflows with concurrency limits: in all, per concurrency key, and one that runs one job at a time and can be held,
 * for priorities.
 */
@Configuration(proxyBeanMethods = false)
public class FlowControlWorkflows {

	/** Holds the steps of {@link HeldOneAtATime} whose input is {@code "hold"} until opened. */
	public static volatile CountDownLatch gate = new CountDownLatch(0);

	private static final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

	@Bean
	ThreeAtATime threeAtATime() {
		return new ThreeAtATime();
	}

	@Bean
	OnePerKey onePerKey() {
		return new OnePerKey();
	}

	@Bean
	HeldOneAtATime heldOneAtATime() {
		return new HeldOneAtATime();
	}

	@Bean
	TwentyPerSecond twentyPerSecond() {
		return new TwentyPerSecond();
	}

	@Bean
	MeteredStep meteredStep() {
		return new MeteredStep();
	}

	@Bean
	MeteredPool meteredPool() {
		return new MeteredPool();
	}

	/** Two steps of a few milliseconds' work each, that return their input: the workflows below differ in limits. */
	public abstract static class TwoQuickSteps {

		@Step(order = 1)
		public String first(String input) {
			return work(input);
		}

		@Step(order = 2)
		public String second(String input) {
			return work(input);
		}

	}

	/** At most three jobs at once. */
	@Workflow(name = "three_at_a_time", concurrency = 3)
	public static class ThreeAtATime extends TwoQuickSteps {

	}

	/** No limit in all; one job at a time per concurrency key (the default). */
	@Workflow(name = "one_per_key")
	public static class OnePerKey extends TwoQuickSteps {

	}

	/**
	 * One job at a time; a job whose input is {@code "hold"} waits for {@link #gate}, and one whose input starts with
	 * {@code "fail-once"} fails for good on its first attempt.
	 */
	@Workflow(name = "held_one_at_a_time", concurrency = 1)
	public static class HeldOneAtATime {

		@Step(order = 1)
		public String only(String input) throws InterruptedException {
			if (input.equals("hold")) {
				gate.await(1, TimeUnit.MINUTES);
			}
			if (input.startsWith("fail-once") && failedOnce.add(input)) {
				throw new NonRetryableStepException("First attempt of " + input);
			}
			return input;
		}

	}

	/** At most twenty steps per second, each a few milliseconds' work. */
	@Workflow(name = "twenty_per_second", rateLimit = "20/1s")
	public static class TwentyPerSecond {

		@Step(order = 1)
		public String only(String input) {
			return work(input);
		}

	}

	/**
	 * A step that may start three times a second, after one that may start freely, in pool {@code metered}, whose
	 * steps the instances of the tests start at most thirty times a second ({@code workflow.pools.metered.rate-limit}).
	 */
	@Workflow(name = "metered_step", pool = "metered")
	public static class MeteredStep {

		@Step(order = 1)
		public String free(String input) {
			return work(input);
		}

		@Step(order = 2, rateLimit = "3/1s")
		public String metered(String input) {
			return work(input);
		}

	}

	/** A workflow whose only step shares pool {@code metered} and its rate with those of {@link MeteredStep}. */
	@Workflow(name = "metered_pool", pool = "metered")
	public static class MeteredPool {

		@Step(order = 1)
		public String only(String input) {
			return work(input);
		}

	}

	private static String work(String input) {
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3));
		return input;
	}

}

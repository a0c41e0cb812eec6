package dev.workflow.test.workflows;

import java.time.Duration;
import java.util.Map;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

import org.springframework.stereotype.Component;

/**
 * Workflows whose values PostgreSQL or the broker cannot take as they are: text with U+0000 (as text extracted from
 * PDFs has), values over a size limit, waits that end past the latest time a row can hold.
 */
public final class ValueWorkflows {

	/** Longer than the engine's latest due time allows (about 8,000 years from now), and inside Java's Instant. */
	public static final Duration BEYOND_LATEST_DUE = Duration.ofDays(365L * 20_000);

	private ValueWorkflows() {
	}

	/**
	 * What a step returns, or throws, for a kind of value: {@code nul-text}, {@code nul-field}, {@code nul-error},
	 * {@code large:N} (a string of N characters), anything else returned as it is.
	 * @param kind the kind
	 * @return the value
	 */
	static Object produce(String kind) {
		if (kind.startsWith("large:")) {
			return "x".repeat(Integer.parseInt(kind.substring(6)));
		}
		return switch (kind) {
			case "nul-text" -> "page 1\u0000page 2";
			case "nul-field" -> Map.of("pages", Map.of("count\u0000", 2));
			case "nul-error" -> throw new IllegalStateException("unreadable byte \u0000 on page 2");
			default -> kind;
		};
	}

	/**
	 * A pipeline whose first step produces the value its input asks for, and whose second one keeps it.
	 */
	@Component
	@Workflow(name = "value_pipeline")
	public static class Pipeline {

		@Step(order = 1, maxAttempts = 2, initialDelay = "50ms")
		public Object produce(String kind) {
			return ValueWorkflows.produce(kind);
		}

		@Step(order = 2)
		public Object keep(Object value) {
			return value;
		}

	}

	/**
	 * The step workflow methods call to produce a value.
	 */
	@Component
	public static class Steps {

		@Step
		public Object produceValue(String kind) {
			return ValueWorkflows.produce(kind);
		}

	}

	/**
	 * A workflow method that runs one step, then does what its input asks for: {@code sleep-past-latest},
	 * {@code await-past-latest}, {@code nul-result} (returns text with U+0000), {@code event} (returns the payload
	 * of the event {@code payload}).
	 */
	@Component
	@Workflow(name = "value_orchestration")
	public static class Orchestration {

		private final Steps steps;

		Orchestration(Steps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public Object run(String kind) {
			// A step first: what follows is decided when a step's completion is recorded.
			Object value = this.steps.produceValue("first");
			return switch (kind) {
				case "sleep-past-latest" -> {
					Workflows.sleep(BEYOND_LATEST_DUE);
					yield value;
				}
				case "await-past-latest" -> Workflows.awaitEvent("approval", BEYOND_LATEST_DUE, String.class)
					.orElse("timed out");
				case "nul-result" -> "result\u0000";
				case "event" -> Workflows.awaitEvent("payload", Duration.ofMinutes(5), Object.class).orElse("none");
				default -> value;
			};
		}

	}

}

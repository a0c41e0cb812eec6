package dev.workflow.api;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a step tells the engine to do next, when the default (the next step in order, with the returned value as
 * its input) is not what it wants. Return it from a step method:
 * <pre class="code">
 * &#64;Step(order = 2)
 * StepOutcome check(Order order) {
 *     if (order.total() == 0) {
 *         return StepOutcome.complete("nothing to do");
 *     }
 *     return StepOutcome.goTo("charge", order).withStepContext(new OrderContext(order.id()));
 * }
 * </pre>
 * The engine applies it after the step has returned and its result is stored; a step never changes the job's step
 * context in place.
 */
public final class StepOutcome {

	/**
	 * What kind of instruction an outcome is.
	 */
	public enum Kind {

		/** Run the next step in order, with the value as its input. */
		NEXT,

		/** Run a later step, with the value as its input. */
		GO_TO,

		/** End the job with the value as its result. */
		COMPLETE,

		/** End the job as ABORTED with a reason. */
		ABORT

	}

	private final Kind kind;

	private final @Nullable Object value;

	private final @Nullable String target;

	private final @Nullable Object stepContext;

	private final boolean replacesStepContext;

	private StepOutcome(Kind kind, @Nullable Object value, @Nullable String target, @Nullable Object stepContext,
			boolean replacesStepContext) {
		this.kind = kind;
		this.value = value;
		this.target = target;
		this.stepContext = stepContext;
		this.replacesStepContext = replacesStepContext;
	}

	/**
	 * Runs the next step in order with a value as its input (what returning the value itself does).
	 * @param value the next step's input
	 * @return the outcome
	 */
	public static StepOutcome next(@Nullable Object value) {
		return new StepOutcome(Kind.NEXT, value, null, null, false);
	}

	/**
	 * Runs a later step of the pipeline next, skipping those in between. Going back to this or an earlier step is an
	 * error that fails the job.
	 * @param step the name of the step to run
	 * @param value its input
	 * @return the outcome
	 */
	public static StepOutcome goTo(String step, @Nullable Object value) {
		return new StepOutcome(Kind.GO_TO, value, Objects.requireNonNull(step, "step"), null, false);
	}

	/**
	 * Ends the job now, COMPLETED with a result.
	 * @param result the job's result
	 * @return the outcome
	 */
	public static StepOutcome complete(@Nullable Object result) {
		return new StepOutcome(Kind.COMPLETE, result, null, null, false);
	}

	/**
	 * Ends the job now, ABORTED with a reason.
	 * @param reason why, stored as the job's error message
	 * @return the outcome
	 */
	public static StepOutcome abort(String reason) {
		return new StepOutcome(Kind.ABORT, null, null, null, false).withReason(reason);
	}

	private StepOutcome withReason(String reason) {
		return new StepOutcome(this.kind, Objects.requireNonNull(reason, "reason"), null, null, false);
	}

	/**
	 * Returns a copy that also gives the job a new step context, seen by the steps that run after this one.
	 * @param stepContext an instance of the workflow's context type
	 * @return the copy
	 */
	public StepOutcome withStepContext(Object stepContext) {
		return new StepOutcome(this.kind, this.value, this.target, Objects.requireNonNull(stepContext, "stepContext"),
				true);
	}

	/**
	 * Returns the kind of instruction.
	 * @return the kind
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * Returns the value: the next step's input, the job's result, or the abort reason.
	 * @return the value
	 */
	public @Nullable Object value() {
		return this.value;
	}

	/**
	 * Returns the step to go to, for {@link Kind#GO_TO}.
	 * @return the step's name
	 */
	public @Nullable String target() {
		return this.target;
	}

	/**
	 * Returns the new step context, if this outcome replaces it.
	 * @return the new step context
	 */
	public @Nullable Object stepContext() {
		return this.stepContext;
	}

	/**
	 * Whether this outcome replaces the job's step context.
	 * @return {@code true} if it does
	 */
	public boolean replacesStepContext() {
		return this.replacesStepContext;
	}

	@Override
	public String toString() {
		return "StepOutcome[" + this.kind + ((this.target != null) ? " " + this.target : "") + "]";
	}

}

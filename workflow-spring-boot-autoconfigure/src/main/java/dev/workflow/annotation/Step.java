package dev.workflow.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link Workflow @Workflow} bean as a step.
 * <p>
 * Parameters: at most one unannotated parameter receives the step's input (the previous step's result, or the
 * job's input for the first step), converted to its declared type; a {@link UserContext @UserContext} parameter
 * receives the job's user context; a {@link StepContext @StepContext} parameter the workflow's step context; a
 * {@link dev.workflow.api.JobInfo JobInfo} parameter the identity of this execution; any other parameter must be
 * supplied by a {@link dev.workflow.api.StepArgumentResolver StepArgumentResolver} bean.
 * <p>
 * The return value is the next step's input, or, when it is a {@link dev.workflow.api.StepOutcome StepOutcome},
 * an instruction to the engine. Steps may run more than once (at-least-once delivery): make their effects
 * idempotent, for example with {@link dev.workflow.api.JobInfo#stepExecutionId()} as an idempotency key.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Step {

	/**
	 * The step's name, unique within its workflow. Defaults to the method's name.
	 * @return the name
	 */
	String name() default "";

	/**
	 * Former names of the step: a step renamed in a release takes the messages, the history entries and the
	 * {@link dev.workflow.api.StepOutcome StepOutcome} targets of its old names, so that jobs started under them go
	 * on. An alias may not be the name or an alias of another step of the same workflow (for steps that workflow
	 * methods call: of any such step in the application).
	 * @return the former names
	 */
	String[] aliases() default {};

	/**
	 * The step's position in a pipeline: steps run in ascending order. Required in a pipeline, and unique within it.
	 * @return the order
	 */
	int order() default UNORDERED;

	/**
	 * How many times the step runs at most, counting the first attempt; {@code 0} (the default) takes
	 * {@code workflow.retry.max-attempts}.
	 * @return the maximum number of attempts
	 */
	int maxAttempts() default 0;

	/**
	 * The wait before the first retry, such as {@code 500ms} or {@code PT2S}; empty (the default) takes
	 * {@code workflow.retry.initial-delay}.
	 * @return the initial delay
	 */
	String initialDelay() default "";

	/**
	 * The factor each further wait grows by; {@code 0} (the default) takes {@code workflow.retry.multiplier}.
	 * @return the multiplier
	 */
	double multiplier() default 0;

	/**
	 * The longest wait between attempts; empty (the default) takes {@code workflow.retry.max-delay}.
	 * @return the maximum delay
	 */
	String maxDelay() default "";

	/**
	 * How long one attempt may run before it is interrupted and counted as timed out, such as {@code 30s}; empty
	 * (the default) takes {@code workflow.worker.step-timeout}.
	 * @return the timeout
	 */
	String timeout() default "";

	/**
	 * Exceptions that fail the job at once, without retry, in addition to
	 * {@link dev.workflow.api.NonRetryableStepException} and {@code workflow.retry.non-retryable-exceptions}.
	 * @return the exception types
	 */
	Class<? extends Throwable>[] noRetryFor() default {};

	/**
	 * The worker pool the step runs in: only instances that consume that pool ({@code workflow.worker.pools}) run
	 * it. Empty (the default) runs a pipeline step in its workflow's {@link Workflow#pool() pool}, and a step that a
	 * workflow method calls in the pool of the calling workflow. A name has letters, digits, {@code .}, {@code _} and
	 * {@code -}.
	 * @return the pool's name
	 */
	String pool() default "";

	/**
	 * At most how many executions of this step start per period, across every instance and every job, as
	 * {@code "permits/period"}: {@code "5/1s"}, {@code "100/1m"}. For a step that workflow methods call, the rate is
	 * shared by every workflow that calls it: it guards what the step calls. A step beyond the rate waits, in the
	 * database and holding no memory, for its slot; it starts when every rate over it (its own, its
	 * {@link Workflow#rateLimit() workflow's} and its pool's, {@code workflow.pools.<pool>.rate-limit}) has room at
	 * once. Limiting a pipeline's first step limits the rate at which its jobs begin. Empty (the default) means no
	 * rate of its own; a value that does not parse, or whose permits or period are not positive, fails the start of
	 * the application.
	 * @return the rate, or {@code ""} for none
	 */
	String rateLimit() default "";

	/**
	 * The value of {@link #order()} when none is given.
	 */
	int UNORDERED = Integer.MIN_VALUE;

}

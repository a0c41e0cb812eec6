package dev.workflow.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Spring bean as a workflow. As a step pipeline, its {@link Step @Step} methods run in their declared
 * {@link Step#order() order}, each step's result being the next step's input.
 * <pre class="code">
 * &#64;Component
 * &#64;Workflow(name = "my_first_workflow")
 * class MyFirstWorkflow {
 *
 *     &#64;Step(order = 1)
 *     int step_1(int input) { return input + 1; }
 *
 *     &#64;Step(order = 2)
 *     void step_2(int input, &#64;UserContext Map&lt;String, Object&gt; userContext) { ... }
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface Workflow {

	/**
	 * The workflow's unique name, used to start jobs. Defaults to the bean name.
	 * @return the name
	 */
	String name() default "";

	/**
	 * The type of the workflow's step context: typed data that every step of a job can read through a
	 * {@link StepContext @StepContext} parameter, and that only the engine changes. It must be immutable (a record,
	 * or a class whose fields are all final) and serialisable to JSON. {@code void.class} (the default) means the
	 * workflow has no step context.
	 * @return the step context type
	 */
	Class<?> context() default void.class;

	/**
	 * The worker pool the workflow's steps run in, unless a step names its own {@link Step#pool() pool}; the
	 * engine's own entries of its jobs (durable sleeps, event timeouts) run in it too. Only instances that consume
	 * the pool ({@code workflow.worker.pools}) run them. Empty (the default) is the default pool, whose queue is
	 * {@code workflow.broker.step-queue}. A name has letters, digits, {@code .}, {@code _} and {@code -}.
	 * @return the pool's name
	 */
	String pool() default "";

	/**
	 * At most how many jobs of the workflow run at once, across every instance: a job started beyond the limit
	 * waits, {@link dev.workflow.api.JobStatus#WAITING WAITING} in the database and holding no memory, and starts as
	 * a running job ends, higher {@link dev.workflow.api.StartOptions#priority(int) priority} first, then in start
	 * order. A job counts from the moment it is let through (QUEUED) until it ends. {@code 0} (the default) means no
	 * limit; a negative value fails the start of the application.
	 * @return the limit, or {@code 0} for none
	 */
	int concurrency() default 0;

	/**
	 * At most how many jobs of the workflow with the same
	 * {@link dev.workflow.api.StartOptions#concurrencyKey(String) concurrency key} run at once, across every
	 * instance (1, the default, runs them one at a time, in start order); jobs of other keys, and jobs without a key,
	 * are not held back by it. Applies together with {@link #concurrency()}. A value below 1 fails the start of the
	 * application.
	 * @return the limit per key
	 */
	int keyConcurrency() default 1;

	/**
	 * How long a job of the workflow may take from its start to its end, a duration such as {@code "30m"} or
	 * {@code "PT30M"}: past it the job ends {@link dev.workflow.api.JobStatus#TIMED_OUT TIMED_OUT}, whatever it is
	 * doing; the result of a step still running is discarded, and its children end with it. A start may give its own
	 * ({@link dev.workflow.api.StartOptions#timeout}). Empty (the default) means no deadline; a value that does not
	 * parse or is not positive fails the start of the application.
	 * @return the timeout, or {@code ""} for none
	 */
	String timeout() default "";

	/**
	 * At most how many step executions of the workflow's jobs start per period, across every instance, as
	 * {@code "permits/period"}: {@code "20/1s"}, {@code "100/1m"}. A step beyond the rate is not dropped: it waits,
	 * in the database and holding no memory, for the slot the rate gives it, so that steps start evenly at the rate
	 * (up to {@code permits} at once after a quiet period). The engine's own entries (sleeps, event waits, children)
	 * do not count. The rates of its steps ({@link Step#rateLimit()}) and of their pools
	 * ({@code workflow.pools.<pool>.rate-limit}) hold as well: a step starts when each rate over it has room. Empty
	 * (the default) means no rate limit; a value that does not parse, or whose permits or period are not positive,
	 * fails the start of the application.
	 * @return the rate, or {@code ""} for none
	 */
	String rateLimit() default "";

}

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

}

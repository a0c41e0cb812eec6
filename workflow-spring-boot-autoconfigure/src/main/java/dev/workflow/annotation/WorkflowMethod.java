package dev.workflow.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the entry method of a {@link Workflow @Workflow} bean written as code: ordinary Java that calls
 * {@link Step @Step} methods of other beans. Inside a job, each such call is dispatched over the broker and its result
 * recorded; when a step completes the method runs again from the top, calls with a recorded result return it at
 * once, and the first call without one dispatches its step. The method must therefore be deterministic: the same
 * history must lead it to the same calls. Use {@link dev.workflow.api.Workflows} for engine calls.
 * <p>
 * Its parameters are the job's input: with one parameter, the input itself; with several, a JSON array with one
 * element each. Its return value is the job's result.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WorkflowMethod {

}

package dev.workflow.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a step parameter that receives the job's step context, of the type declared by
 * {@link Workflow#context()}. It is read-only: the type is immutable, and only the engine changes the job's
 * context (from the start request, or from a {@link dev.workflow.api.StepOutcome} a step returns). It is
 * {@code null} while the job has none.
 * <p>
 * Keep it small (identifiers, correlation data, flags) and keep secrets out of it: it is stored with the job and
 * travels in every step message.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface StepContext {

}

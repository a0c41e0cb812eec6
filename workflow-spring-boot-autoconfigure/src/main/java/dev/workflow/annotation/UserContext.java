package dev.workflow.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a step parameter that receives the job's user context: the JSON given when the job was started, which
 * never changes afterwards. Declare it as a {@code Map<String, Object>} or as any type the JSON converts to (a
 * record, for example). Keep secrets out of it: it is stored with the job and can be searched.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface UserContext {

}

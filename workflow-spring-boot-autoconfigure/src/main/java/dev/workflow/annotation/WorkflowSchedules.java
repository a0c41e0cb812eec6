package dev.workflow.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Holds the {@link WorkflowSchedule @WorkflowSchedule} annotations of a workflow that has several.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WorkflowSchedules {

	/**
	 * The schedules.
	 * @return the schedules
	 */
	WorkflowSchedule[] value();

}

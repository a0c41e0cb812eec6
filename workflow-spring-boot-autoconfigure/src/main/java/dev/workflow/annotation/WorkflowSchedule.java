package dev.workflow.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.workflow.api.MissedFires;

/**
 * Starts a job of the {@link Workflow @Workflow} it is declared on at each time a cron expression matches, once
 * across every instance of the application. Several may be declared on one workflow, each with its own
 * {@link #name()}.
 * <pre class="code">
 * &#64;Workflow(name = "nightly_report")
 * &#64;WorkflowSchedule(cron = "0 0 2 * * *", zone = "Europe/Paris", input = "{\"scope\": \"all\"}")
 * class NightlyReport { ... }
 * </pre>
 * The schedule is stored when the application starts (its pause survives releases); one that a release no longer
 * declares is deleted. Each fire starts one job whose idempotency key is the schedule's name and the fire time
 * ({@code schedule:nightly_report:2026-12-03T01:00:00Z}), so that no fire starts two jobs.
 *
 * @see dev.workflow.api.WorkflowSchedules
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(WorkflowSchedules.class)
public @interface WorkflowSchedule {

	/**
	 * The schedule's name, unique across the application's schedules. Defaults to the workflow's name; a workflow
	 * with several schedules names each.
	 * @return the name
	 */
	String name() default "";

	/**
	 * When jobs start: a cron expression of six fields (second, minute, hour, day of month, month, day of week), or
	 * a macro such as {@code @hourly}, as Spring's {@link org.springframework.scheduling.support.CronExpression}
	 * reads them. One that does not parse fails the application's start.
	 * @return the cron expression
	 */
	String cron();

	/**
	 * The time zone the cron expression is read in, such as {@code Europe/Paris}. Empty (the default) is UTC, so
	 * that every instance reads it alike whatever its own zone.
	 * @return the zone's id
	 */
	String zone() default "";

	/**
	 * The input of each job, as JSON ({@code "42"}, {@code "\"text\""}, {@code "{\"scope\": \"all\"}"}), read as the
	 * workflow's input type. Empty (the default) is no input ({@code null}).
	 * @return the input
	 */
	String input() default "";

	/**
	 * What becomes of fires missed while no instance could fire them (all stopped, the database unreachable) for
	 * longer than {@code workflow.flow.misfire-threshold}.
	 * @return the policy
	 */
	MissedFires missedFires() default MissedFires.RUN_ONCE;

}

package dev.workflow.registry;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import dev.workflow.annotation.WorkflowSchedule;
import dev.workflow.api.MissedFires;
import dev.workflow.api.ScheduleRequest;
import dev.workflow.api.WorkflowDefinitionException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.scheduling.support.CronExpression;

/**
 * A schedule declared on a workflow with {@link WorkflowSchedule @WorkflowSchedule}, checked.
 *
 * @param name the schedule's name
 * @param workflow the workflow's name
 * @param cron the cron expression as declared
 * @param zone the zone it is read in
 * @param input the jobs' input as JSON, {@code null} for none
 * @param missedFires what becomes of missed fires
 */
public record ScheduleDefinition(String name, String workflow, String cron, ZoneId zone, @Nullable String input,
		MissedFires missedFires) {

	/**
	 * Reads and checks the schedules declared on a workflow's class.
	 * @param workflow the workflow's name
	 * @param userClass its class
	 * @return the schedules, in declaration order
	 * @throws WorkflowDefinitionException if a cron expression or zone does not parse, a name is too long, or two
	 * schedules of the workflow have the same name
	 */
	static List<ScheduleDefinition> declaredOn(String workflow, Class<?> userClass) {
		List<ScheduleDefinition> schedules = new ArrayList<>();
		for (WorkflowSchedule schedule : AnnotatedElementUtils.findMergedRepeatableAnnotations(userClass,
				WorkflowSchedule.class)) {
			String where = "@WorkflowSchedule of workflow '" + workflow + "' (" + userClass.getName() + ")";
			// A workflow's name may hold characters a schedule's may not: its schedule's default name replaces them.
			String name = schedule.name().isBlank() ? workflow.replaceAll("[^A-Za-z0-9._:-]", "-")
					: schedule.name().trim();
			try {
				ScheduleRequest.checkName(name);
			}
			catch (IllegalArgumentException ex) {
				throw new WorkflowDefinitionException(where + " has no usable name: " + ex.getMessage()
						+ "; give @WorkflowSchedule(name = ...)", ex);
			}
			parseCron(schedule.cron(), where);
			ZoneId zone = ScheduleRequest.UTC;
			if (!schedule.zone().isBlank()) {
				try {
					zone = ZoneId.of(schedule.zone().trim());
				}
				catch (DateTimeException ex) {
					throw new WorkflowDefinitionException(where + " has zone = \"" + schedule.zone() + "\", which is "
							+ "not a time zone: give one such as \"Europe/Paris\" or \"UTC\"", ex);
				}
			}
			for (ScheduleDefinition other : schedules) {
				if (other.name().equals(name)) {
					throw new WorkflowDefinitionException(where + " declares two schedules named '" + name
							+ "': give each @WorkflowSchedule(name = ...) of its own");
				}
			}
			schedules.add(new ScheduleDefinition(name, workflow, schedule.cron().trim(), zone,
					schedule.input().isBlank() ? null : schedule.input(), schedule.missedFires()));
		}
		return List.copyOf(schedules);
	}

	/**
	 * Parses a cron expression with Spring's {@link CronExpression}.
	 * @param cron the expression
	 * @param where what declares it, for the error
	 * @return the expression
	 * @throws WorkflowDefinitionException if it does not parse
	 */
	public static CronExpression parseCron(String cron, String where) {
		try {
			return CronExpression.parse(cron.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new WorkflowDefinitionException(where + " has cron = \"" + cron + "\", which is not a cron "
					+ "expression (" + ex.getMessage() + "): give six fields, second minute hour day-of-month month "
					+ "day-of-week, such as \"0 */5 * * * *\", or a macro such as \"@hourly\"", ex);
		}
	}

}

package dev.workflow.test.workflows;

import java.util.Map;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowSchedule;
import dev.workflow.api.MissedFires;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Workflows for schedules: one with declared schedules that fire once a year (so that they start nothing while the
 * tests run, unless triggered), and one that schedules saved at run time start.
 */
@Configuration(proxyBeanMethods = false)
public class ScheduledWorkflows {

	@Bean
	YearlyReport yearlyReport() {
		return new YearlyReport();
	}

	@Bean
	Ticks ticks() {
		return new Ticks();
	}

	/** Two declared schedules, each at the turn of the year. */
	@Workflow(name = "yearly_report")
	@WorkflowSchedule(cron = "0 0 0 1 1 *", zone = "Europe/Paris", input = "{\"scope\": \"all\"}")
	@WorkflowSchedule(name = "yearly_report_utc", cron = "@yearly", missedFires = MissedFires.SKIP)
	public static class YearlyReport {

		@Step(order = 1)
		public Map<String, Object> report(Map<String, Object> input) {
			return input;
		}

	}

	/** One step that returns its input. */
	@Workflow(name = "ticks")
	public static class Ticks {

		@Step(order = 1)
		public String tick(String input) {
			return input;
		}

	}

}

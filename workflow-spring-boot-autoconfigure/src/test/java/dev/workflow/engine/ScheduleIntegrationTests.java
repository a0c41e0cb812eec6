package dev.workflow.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.JobStatus;
import dev.workflow.api.MissedFires;
import dev.workflow.api.Schedule;
import dev.workflow.api.ScheduleDeclaredException;
import dev.workflow.api.ScheduleNotFoundException;
import dev.workflow.api.ScheduleRequest;
import dev.workflow.api.UnknownWorkflowException;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowSchedules;
import dev.workflow.test.TwoInstances;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Schedules on two instances that share the database and the queue: each fire starts exactly one job, missed fires
 * follow their policy, declared schedules keep their pause across starts, and bad requests are refused by name.
 */
class ScheduleIntegrationTests {

	private static TwoInstances instances;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	private static WorkflowSchedules schedules;

	private static WorkflowClient client;

	private static JdbcTemplate jdbc;

	@BeforeAll
	static void startTwoInstances() {
		instances = TwoInstances.start("schedule");
		first = instances.first();
		second = instances.second();
		schedules = first.getBean(WorkflowSchedules.class);
		client = first.getBean(WorkflowClient.class);
		jdbc = first.getBean(JdbcTemplate.class);
	}

	@AfterAll
	static void stopInstances() {
		if (instances != null) {
			instances.close();
		}
	}

	@Test
	void whenAScheduleFiresEverySecondThenEachSecondStartsExactlyOneJobAcrossBothInstances() {
		String name = "every-second-" + UUID.randomUUID();
		schedules.save(ScheduleRequest.of(name, "ticks", "* * * * * *").input("tick"));
		try {
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> fireTimes(name).size() >= 33);
		}
		finally {
			schedules.delete(name);
		}
		List<Instant> fires = fireTimes(name);
		// No second fired twice, and none left out from the first fire to the last.
		assertThat(fires).doesNotHaveDuplicates();
		for (int i = 1; i < fires.size(); i++) {
			assertThat(Duration.between(fires.get(i - 1), fires.get(i))).as("after " + fires.get(i - 1))
				.isEqualTo(Duration.ofSeconds(1));
		}
		assertThat(Duration.between(fires.get(0), fires.get(fires.size() - 1))).isGreaterThanOrEqualTo(
				Duration.ofSeconds(30));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> jdbc.queryForObject("select count(*) from wf_job where idempotency_key like ? "
					+ "and status <> 'COMPLETED'", Integer.class, "schedule:" + name + ":%") == 0);
	}

	@Test
	void whenFiresWereMissedThenEachPolicyStartsWhatItSays() {
		String prefix = UUID.randomUUID().toString();
		for (MissedFires policy : MissedFires.values()) {
			schedules.save(ScheduleRequest.of(prefix + "-" + policy, "ticks", "0 * * * * *")
				.input(policy.name())
				.missedFires(policy));
		}
		// As an outage of ten minutes leaves them: due at a minute ten minutes ago.
		Instant due = jdbc.queryForObject("select date_trunc('minute', now()) - interval '10 minutes'",
				(rows, row) -> rows.getTimestamp(1).toInstant());
		jdbc.update("update wf_schedule set next_fire_at = ? where name like ?", java.sql.Timestamp.from(due),
				prefix + "-%");
		try {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> jdbc.queryForObject("select count(*) from wf_schedule where name like ? and "
						+ "next_fire_at > now()", Integer.class, prefix + "-%") == 3);
		}
		finally {
			for (MissedFires policy : MissedFires.values()) {
				schedules.delete(prefix + "-" + policy);
			}
		}
		// The fires at least two minutes old were missed whatever the minute is now.
		Instant missedBefore = due.plus(Duration.ofMinutes(8));
		assertThat(fireTimes(prefix + "-SKIP")).filteredOn((fire) -> !fire.isAfter(missedBefore)).isEmpty();
		assertThat(fireTimes(prefix + "-RUN_ONCE")).filteredOn((fire) -> !fire.isAfter(missedBefore))
			.containsExactly(due);
		List<Instant> each = new ArrayList<>();
		for (int i = 0; i <= 8; i++) {
			each.add(due.plus(Duration.ofMinutes(i)));
		}
		assertThat(fireTimes(prefix + "-RUN_EACH")).filteredOn((fire) -> !fire.isAfter(missedBefore))
			.containsExactlyElementsOf(each);
		// Every policy started the fire that was late rather than missed.
		for (MissedFires policy : MissedFires.values()) {
			assertThat(fireTimes(prefix + "-" + policy)).filteredOn((fire) -> fire.isAfter(missedBefore))
				.isNotEmpty();
		}
	}

	@Test
	void whenSchedulesAreDeclaredThenTheyAreStoredKeepTheirPauseAndCanBeTriggeredButNotChanged() {
		Schedule report = schedules.find("yearly_report").orElseThrow();
		assertThat(report.workflow()).isEqualTo("yearly_report");
		assertThat(report.declared()).isTrue();
		assertThat(report.zone()).isEqualTo("Europe/Paris");
		assertThat(report.input()).isEqualTo(Map.of("scope", "all"));
		assertThat(report.missedFires()).isEqualTo(MissedFires.RUN_ONCE);
		// Midnight in Paris, in winter, is 23:00 UTC the day before.
		assertThat(report.nextFireAt().toString()).endsWith("-12-31T23:00:00Z");
		assertThat(schedules.find("yearly_report_utc").orElseThrow().missedFires()).isEqualTo(MissedFires.SKIP);

		schedules.pause("yearly_report");
		try {
			// A start of a release stores the declared schedules again: the pause stays.
			first.getBean(DefaultWorkflowSchedules.class).storeDeclared();
			assertThat(schedules.find("yearly_report").orElseThrow().paused()).isTrue();

			UUID job = schedules.trigger("yearly_report");
			await().atMost(Duration.ofSeconds(30))
				.until(() -> client.get(job).orElseThrow().status() == JobStatus.COMPLETED);
			assertThat(client.get(job).orElseThrow().output()).isEqualTo(Map.of("scope", "all"));
			assertThat(client.get(job).orElseThrow().idempotencyKey()).startsWith("schedule:yearly_report:manual:");
			assertThat(schedules.find("yearly_report").orElseThrow().nextFireAt()).isEqualTo(report.nextFireAt());
		}
		finally {
			schedules.resume("yearly_report");
		}
		assertThat(schedules.find("yearly_report").orElseThrow().paused()).isFalse();
		assertThatExceptionOfType(ScheduleDeclaredException.class)
			.isThrownBy(() -> schedules.save(ScheduleRequest.of("yearly_report", "ticks", "* * * * * *")))
			.withMessageContaining("declared with @WorkflowSchedule on workflow 'yearly_report'");
		assertThatExceptionOfType(ScheduleDeclaredException.class)
			.isThrownBy(() -> schedules.delete("yearly_report"))
			.withMessageContaining("pause it, or remove the annotation");
		assertThat(schedules.list()).extracting(Schedule::name).contains("yearly_report", "yearly_report_utc");
	}

	@Test
	void whenAScheduleIsSavedWithBadPartsThenTheCallFailsNamingThem() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> schedules.save(ScheduleRequest.of("bad-cron", "ticks", "every minute")))
			.withMessageContaining("Schedule 'bad-cron' has cron = \"every minute\", which is not a cron expression");
		assertThatExceptionOfType(UnknownWorkflowException.class)
			.isThrownBy(() -> schedules.save(ScheduleRequest.of("no-workflow", "no_such_workflow", "@daily")));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ScheduleRequest.of("x".repeat(151), "ticks", "@daily"))
			.withMessageContaining("1 to 150 characters, not 151");
		assertThatExceptionOfType(ScheduleNotFoundException.class).isThrownBy(() -> schedules.pause("no-such"))
			.withMessage("No schedule named 'no-such'");
		assertThat(schedules.find("bad-cron")).isEmpty();
	}

	/** The fire times of the jobs a schedule started, from their idempotency keys, in order. */
	private static List<Instant> fireTimes(String name) {
		String prefix = "schedule:" + name + ":";
		return jdbc.queryForList("select idempotency_key from wf_job where idempotency_key like ?", String.class,
				prefix + "%")
			.stream()
			.map((key) -> Instant.parse(key.substring(prefix.length())))
			.sorted()
			.toList();
	}

}

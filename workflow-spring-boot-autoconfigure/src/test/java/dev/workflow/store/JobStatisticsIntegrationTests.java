package dev.workflow.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.JobQuery;
import dev.workflow.api.JobStatus;
import dev.workflow.devservers.DatabaseServer;
import dev.workflow.devservers.DevServers;
import dev.workflow.test.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The read paths of {@link JobStatistics} and {@link JobSearch} on a real PostgreSQL with the engine's migrations:
 * their counts and lists are right, the planner serves the status filter from the indexes of V18, and those indexes
 * leave a job's claim and its steps' updates in place (HOT).
 */
class JobStatisticsIntegrationTests {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(30);

	private static SingleConnectionDataSource dataSource;

	private static JdbcTemplate jdbc;

	private static JobStatistics statistics;

	@BeforeAll
	static void migrateAndFill() {
		DatabaseServer server = DevServers.database();
		dataSource = new SingleConnectionDataSource(TestDatabases.createEmptyDatabase(), server.username(),
				server.password(), true);
		new WorkflowSchemaMigration(dataSource, "wf_schema_history").afterPropertiesSet();
		jdbc = new JdbcTemplate(dataSource);
		statistics = new JobStatistics(dataSource);
		// "bulk": more completed jobs than the overview counts, over days; a few of every other status.
		insertJobs("bulk", "COMPLETED", (int) JobStatistics.COUNT_LIMIT + 20000, NOW.minus(3, ChronoUnit.DAYS), true);
		insertJobs("bulk", "FAILED", 7, NOW.minus(2, ChronoUnit.DAYS), true);
		insertJobs("bulk", "CANCELLED", 2, NOW.minus(2, ChronoUnit.DAYS), true);
		insertJobs("bulk", "RUNNING", 4, NOW.minus(1, ChronoUnit.HOURS), false);
		insertJobs("bulk", "QUEUED", 3, NOW.minus(1, ChronoUnit.MINUTES), false);
		insertJobs("bulk", "WAITING", 5, NOW.minus(1, ChronoUnit.MINUTES), false);
		// "recent": jobs that ended in known minutes of the last hour, and one before it.
		insertEnded("recent", "COMPLETED", NOW.minus(2, ChronoUnit.MINUTES), 3);
		insertEnded("recent", "FAILED", NOW.minus(2, ChronoUnit.MINUTES), 1);
		insertEnded("recent", "COMPLETED", NOW.minus(30, ChronoUnit.MINUTES), 2);
		insertEnded("recent", "ABORTED", NOW.minus(30, ChronoUnit.MINUTES), 1);
		insertEnded("recent", "COMPLETED", NOW.minus(90, ChronoUnit.MINUTES), 5);
		jdbc.execute("analyze wf_job");
	}

	@AfterAll
	static void close() {
		dataSource.destroy();
	}

	@Test
	void whenJobsAreCountedByStatusThenEveryWorkflowHasEveryStatusUpToTheLimit() {
		List<JobStatistics.WorkflowCounts> counts = statistics.countByStatus()
			.stream()
			.filter((count) -> List.of("bulk", "recent").contains(count.workflow()))
			.toList();

		assertThat(counts).extracting(JobStatistics.WorkflowCounts::workflow).containsExactly("bulk", "recent");
		assertThat(counts.get(0).counts()).isEqualTo(Map.of(JobStatus.WAITING, 5L, JobStatus.QUEUED, 3L,
				JobStatus.RUNNING, 4L,
				JobStatus.COMPLETED, JobStatistics.COUNT_LIMIT, JobStatus.FAILED, 7L, JobStatus.ABORTED, 0L,
				JobStatus.CANCELLED, 2L, JobStatus.TIMED_OUT, 0L));
		assertThat(counts.get(1).counts()).isEqualTo(Map.of(JobStatus.WAITING, 0L, JobStatus.QUEUED, 0L,
				JobStatus.RUNNING, 0L,
				JobStatus.COMPLETED, 10L, JobStatus.FAILED, 1L, JobStatus.ABORTED, 1L, JobStatus.CANCELLED, 0L,
				JobStatus.TIMED_OUT, 0L));
	}

	@Test
	void whenEndedJobsAreCountedPerMinuteThenOnlyCompletedAndFailedOnesSinceTheMomentCount() {
		List<JobStatistics.EndedInMinute> ended = statistics.countEndedPerMinute(NOW.minus(1, ChronoUnit.HOURS));

		Instant minute = NOW.truncatedTo(ChronoUnit.MINUTES);
		assertThat(ended).filteredOn((count) -> count.workflow().equals("recent"))
			.extracting(JobStatistics.EndedInMinute::workflow, JobStatistics.EndedInMinute::minute,
				JobStatistics.EndedInMinute::status, JobStatistics.EndedInMinute::jobs)
			.containsExactlyInAnyOrder(tuple("recent", minute.minus(2, ChronoUnit.MINUTES), JobStatus.COMPLETED, 3L),
					tuple("recent", minute.minus(2, ChronoUnit.MINUTES), JobStatus.FAILED, 1L),
					tuple("recent", minute.minus(30, ChronoUnit.MINUTES), JobStatus.COMPLETED, 2L));
	}

	@Test
	void whenJobsAreFoundByStatusThenTheyComeFromTheIndexesOfActiveAndEndedJobs() {
		assertThat(plan(JobQuery.all().workflow("bulk").status(JobStatus.FAILED), "bulk"))
			.containsPattern("wf_job_(outcome|unsuccessful)_idx");
		assertThat(plan(JobQuery.all().status(JobStatus.CANCELLED))).contains("wf_job_unsuccessful_idx");
		assertThat(plan(JobQuery.all().workflow("bulk").status(JobStatus.RUNNING), "bulk"))
			.contains("wf_job_active_idx");
		assertThat(plan(JobQuery.all().status(JobStatus.QUEUED))).contains("wf_job_active_idx");

		assertThat(find(JobQuery.all().workflow("bulk").status(JobStatus.FAILED), "bulk")).hasSize(7)
			.containsOnly("FAILED");
		assertThat(find(JobQuery.all().status(JobStatus.RUNNING))).hasSize(4).containsOnly("RUNNING");
		assertThat(find(JobQuery.all().status(JobStatus.ABORTED))).containsExactly("ABORTED");
		assertThat(find(JobQuery.all().workflow("recent").status(JobStatus.COMPLETED), "recent")).hasSize(10);
	}

	@Test
	void whenAJobIsClaimedAndItsStepsCountedThenItsRowIsUpdatedInPlace() {
		List<UUID> jobs = insertJobs("hot", "QUEUED", 3, NOW, false);
		TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		List<Map<String, Object>> updates = transaction.execute((status) -> {
			for (UUID job : jobs) {
				jdbc.update("update wf_job set status = 'RUNNING', started_at = now(), current_step = 'a', "
						+ "version = version + 1 where id = ?", job);
				jdbc.update("update wf_job set steps_completed = steps_completed + 1, percent_complete = 50, "
						+ "current_step = 'b', version = version + 1 where id = ?", job);
			}
			return jdbc.queryForList(
					"select n_tup_upd, n_tup_hot_upd from pg_stat_xact_user_tables where relname = 'wf_job'");
		});

		assertThat(updates).singleElement().isEqualTo(Map.of("n_tup_upd", 6L, "n_tup_hot_upd", 6L));
		jdbc.update("delete from wf_job where workflow_name = 'hot'");
	}

	@Test
	void whenActiveJobsWaitAtStepsThenTheWaitingStepsAreGroupedByWorkflowAndStep() {
		UUID running = insertJobs("waiting", "RUNNING", 1, NOW, false).get(0);
		UUID ended = insertJobs("waiting", "COMPLETED", 1, NOW, true).get(0);
		insertStep(running, 0, "first", "COMPLETED");
		insertStep(running, 1, "second", "RUNNING");
		insertStep(running, 2, "second", "SCHEDULED");
		insertStep(running, 3, "third", "QUEUED");
		insertStep(ended, 0, "second", "QUEUED");

		assertThat(statistics.waitingSteps()).filteredOn((group) -> group.workflow().equals("waiting"))
			.extracting(JobStatistics.StepGroup::step, JobStatistics.StepGroup::steps, JobStatistics.StepGroup::jobs)
			.containsExactlyInAnyOrder(tuple("second", 2L, 1L), tuple("third", 1L, 1L));
		jdbc.update("delete from wf_step_execution where job_id in (?, ?)", running, ended);
		jdbc.update("delete from wf_job where workflow_name = 'waiting'");
	}

	private static String plan(JobQuery query, Object... parameters) {
		Object[] all = new Object[parameters.length + 2];
		System.arraycopy(parameters, 0, all, 0, parameters.length);
		all[parameters.length] = 50;
		all[parameters.length + 1] = 0;
		return String.join("\n", jdbc.queryForList("explain " + JobSearch.findSql(query), String.class, all));
	}

	private static List<String> find(JobQuery query, Object... parameters) {
		Object[] all = new Object[parameters.length + 2];
		System.arraycopy(parameters, 0, all, 0, parameters.length);
		all[parameters.length] = 100;
		all[parameters.length + 1] = 0;
		return jdbc.queryForList(JobSearch.findSql(query).replace("select *", "select status"), String.class, all);
	}

	private static List<UUID> insertJobs(String workflow, String status, int count, Instant createdFrom,
			boolean ended) {
		return jdbc.queryForList("""
				insert into wf_job (id, workflow_name, status, user_context, created_at, finished_at)
				select gen_random_uuid(), ?, ?, '{}'::jsonb, ?::timestamptz + n * interval '1 second',
				  case when ? then ?::timestamptz + n * interval '1 second' end
				from generate_series(1, ?) as n returning id""", UUID.class, workflow, status, time(createdFrom), ended,
				time(createdFrom), count);
	}

	private static void insertEnded(String workflow, String status, Instant finishedAt, int count) {
		jdbc.update("""
				insert into wf_job (id, workflow_name, status, user_context, created_at, finished_at)
				select gen_random_uuid(), ?, ?, '{}'::jsonb, ?, ? from generate_series(1, ?)""", workflow, status,
				time(finishedAt.minusSeconds(5)), time(finishedAt), count);
	}

	private static void insertStep(UUID job, int sequence, String step, String status) {
		jdbc.update("""
				insert into wf_step_execution (id, job_id, sequence, step_name, attempt, status, created_at, due_at)
				values (gen_random_uuid(), ?, ?, ?, 1, ?, now(), case when ? = 'SCHEDULED' then now() end)""", job,
				sequence, step, status, status);
	}

	private static OffsetDateTime time(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

}

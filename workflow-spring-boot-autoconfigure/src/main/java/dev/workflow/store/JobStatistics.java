package dev.workflow.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.workflow.api.JobStatus;
import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The figures that the overview ({@code GET /workflows}, the dashboard), the health details and the gauges read:
 * jobs by workflow and status, jobs ended per minute, the background work's backlog and the step executions that wait,
 * by workflow and step. Every statement reads from an index whose size follows the work in flight or the last hour,
 * not the number of jobs kept, and none adds work to a job's way through its steps (V18: the indexes of active and
 * of ended jobs leave the status out of their keys and predicates, so a job's claim and its per-step updates stay in
 * place, HOT; an index with the status in its predicate made all 1,000 claims of a test table non-HOT).
 * <p>
 * On a million jobs (6 workflows; 990,000 ended, 15,000 of them in the last hour; 3,000 active; 600,000 step
 * executions; PostgreSQL 15, {@code EXPLAIN (ANALYZE, BUFFERS)}, before V18 and after; times on a 2-core machine
 * shared with other work, buffers exact):
 * <ul>
 * <li>{@link #countByStatus}: was a parallel sequential scan of all 1,000,000 jobs, 34,618 buffers, 1,170 ms. Now a
 * loose index scan finds the workflows (7 probes, 23 buffers), and per workflow and status an index scan counts: on
 * {@code wf_job_active_idx} for QUEUED and RUNNING (the 3,000 active jobs, 1,812 buffers), index-only on
 * {@code wf_job_outcome_idx} for the ended statuses, stopping at {@link #COUNT_LIMIT} (552 buffers, no heap
 * fetches): 2,387 buffers, about 50 ms in the scans.</li>
 * <li>{@link #countEndedPerMinute}: the overview read the last 15 minutes here and counted the last hour in the scan
 * above; it now reads the last hour once, a range scan of {@code wf_job_finished_idx} (15,107 jobs, 626 buffers),
 * whose cost follows the jobs ended in the last hour.</li>
 * <li>{@link #waitingSteps}: was a sequential scan of the 600,000 step executions (26,642 buffers, 365 ms); now a
 * bitmap of {@code wf_step_execution_lease_idx} and {@code wf_step_execution_due_idx} (3,000 rows, 232 buffers) and
 * their jobs by primary key (131 ms in all).</li>
 * <li>{@link #backlog} and {@link #unrunnableWork} read partial indexes already (0.4 ms and 11 ms).</li>
 * </ul>
 */
public class JobStatistics {

	/**
	 * The most that {@link #countByStatus} counts per workflow and status: a count that reaches it means at least that
	 * many. Ended jobs pile up until retention deletes them; counting them all is a scan of them all.
	 */
	public static final long COUNT_LIMIT = 1_000;

	/**
	 * The workflows that have jobs, by a loose scan of the index on {@code (workflow_name, created_at)} (one probe per
	 * workflow), with, per status, a count of their jobs in it that stops at {@link #COUNT_LIMIT}: active jobs on the
	 * partial index of jobs not ended, ended ones on the partial index of outcomes.
	 */
	private static final String COUNT_BY_STATUS = """
			with recursive workflows (name) as (
			  (select workflow_name from wf_job order by workflow_name limit 1)
			  union all
			  select (select j.workflow_name from wf_job j where j.workflow_name > w.name order by j.workflow_name limit 1)
			  from workflows w where w.name is not null)
			select w.name, %s from workflows w where w.name is not null""".formatted(Stream.of(JobStatus.values())
		.map((status) -> "(select count(*) from (select from wf_job j where j.workflow_name = w.name and "
				+ (status.isFinal() ? "j.outcome = '" + status + "'" : "j.finished_at is null and j.status = '"
						+ status + "'")
				+ " limit " + COUNT_LIMIT + ") c)")
		.collect(Collectors.joining(",\n  ")));

	/** Jobs completed or failed per minute since a moment, on the index of ended jobs; parameter: the moment. */
	private static final String COUNT_ENDED_PER_MINUTE = """
			select workflow_name, date_trunc('minute', finished_at) as minute, status, count(*)
			from wf_job where finished_at >= ? and status in ('COMPLETED', 'FAILED')
			group by workflow_name, minute, status""";

	/** Queued step executions waiting for an instance able to run them, on their partial index. */
	private static final String UNRUNNABLE_WORK = """
			select j.workflow_name, s.step_name, count(*), count(distinct s.job_id), min(s.unrunnable_since)
			from wf_step_execution s join wf_job j on j.id = s.job_id
			where s.unrunnable_since is not null and s.status = 'QUEUED'
			group by j.workflow_name, s.step_name order by 5""";

	/**
	 * Step executions that active jobs wait at, on the partial indexes of leased and of due step executions: the
	 * condition is written as the two predicates, so that the planner joins the two indexes (one list of the three
	 * statuses made it scan every step execution).
	 */
	private static final String WAITING_STEPS = """
			select j.workflow_name, s.step_name, count(*), count(distinct s.job_id), min(s.created_at)
			from wf_step_execution s join wf_job j on j.id = s.job_id
			where (s.status in ('QUEUED', 'RUNNING') or s.status = 'SCHEDULED') and j.status in ('QUEUED', 'RUNNING')
			group by j.workflow_name, s.step_name""";

	/** Queued step executions by pool, on the partial index of queued and running ones. */
	private static final String QUEUED_BY_POOL = """
			select coalesce(pool, ''), count(*) from wf_step_execution where status = 'QUEUED'
			group by coalesce(pool, '')""";

	/**
	 * Outbox rows, due and lapsed step executions and the oldest of them, on the partial indexes of due and of
	 * leased step executions; parameters: now, twice.
	 */
	private static final String BACKLOG = """
			with due as (select due_at as since from wf_step_execution where status = 'SCHEDULED' and due_at <= ?),
			lapsed as (
			  select lease_expires_at as since from wf_step_execution
			  where status in ('QUEUED', 'RUNNING') and lease_expires_at < ?)
			select (select count(*) from wf_outbox), (select count(*) from due) + (select count(*) from lapsed),
			  least((select min(since) from due), (select min(since) from lapsed))""";

	private final JdbcTemplate jdbc;

	/**
	 * Creates the statistics.
	 * @param dataSource the data source of the engine's tables
	 */
	public JobStatistics(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
	}

	/**
	 * How many jobs of a workflow are in each status.
	 *
	 * @param workflow the workflow
	 * @param counts how many jobs are in each status, every status present, each at most {@link #COUNT_LIMIT}
	 */
	public record WorkflowCounts(String workflow, Map<JobStatus, Long> counts) {

		/**
		 * Creates the counts.
		 */
		public WorkflowCounts {
			counts = Map.copyOf(counts);
		}

	}

	/**
	 * Counts the jobs of each workflow that has any in each status, up to {@link #COUNT_LIMIT} per status. The count
	 * of an active status (QUEUED, RUNNING) reads the workflow's active jobs until it reaches the limit; the count of
	 * an ended one reads that many entries at most.
	 * @return the counts, by workflow in the order of their names
	 */
	public List<WorkflowCounts> countByStatus() {
		JobStatus[] statuses = JobStatus.values();
		return this.jdbc.query(COUNT_BY_STATUS, (row, n) -> {
			Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
			for (int i = 0; i < statuses.length; i++) {
				counts.put(statuses[i], row.getLong(i + 2));
			}
			return new WorkflowCounts(row.getString(1), counts);
		});
	}

	/**
	 * How many jobs of a workflow ended in a status in one minute.
	 *
	 * @param workflow the workflow
	 * @param minute the minute's start
	 * @param status COMPLETED or FAILED
	 * @param jobs how many
	 */
	public record EndedInMinute(String workflow, Instant minute, JobStatus status, long jobs) {
	}

	/**
	 * Counts the jobs that completed or failed in each minute since a moment, by workflow, in a range scan of the
	 * index of ended jobs: its cost follows how many jobs ended since then.
	 * @param since the moment; the first minute counts only the jobs that ended from it on
	 * @return the counts, for the minutes in which any ended
	 */
	public List<EndedInMinute> countEndedPerMinute(Instant since) {
		return this.jdbc.query(COUNT_ENDED_PER_MINUTE,
				(row, n) -> new EndedInMinute(row.getString(1), row.getObject(2, OffsetDateTime.class).toInstant(),
						JobStatus.valueOf(row.getString(3)), row.getLong(4)),
				time(since));
	}

	/**
	 * Step executions of one workflow and step, for the health details.
	 *
	 * @param workflow the workflow
	 * @param step the step
	 * @param steps how many step executions
	 * @param jobs of how many jobs
	 * @param oldest since when the one that waits longest waits
	 */
	public record StepGroup(String workflow, String step, long steps, long jobs, @Nullable Instant oldest) {
	}

	/**
	 * Reads the queued step executions that wait for an instance able to run them, by workflow and step.
	 * @return the groups, the longest waiting first
	 */
	public List<StepGroup> unrunnableWork() {
		return this.jdbc.query(UNRUNNABLE_WORK, JobStatistics::stepGroup);
	}

	/**
	 * Reads the step executions that jobs not yet ended wait at (queued, running or waiting for a retry), by workflow
	 * and step: what a release must still be able to run.
	 * @return the groups
	 */
	public List<StepGroup> waitingSteps() {
		return this.jdbc.query(WAITING_STEPS, JobStatistics::stepGroup);
	}

	private static StepGroup stepGroup(ResultSet rows, int row) throws SQLException {
		return new StepGroup(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getLong(4),
				instant(rows.getObject(5, OffsetDateTime.class)));
	}

	/**
	 * What waits for the engine's background work, at one moment.
	 *
	 * @param outboxRows outbox rows not yet published (or not yet deleted after publishing)
	 * @param dueSteps step executions whose time has come and that wait to be dispatched: retries, timers and
	 * timeouts due, running steps whose lease has lapsed and queued ones no worker claimed in time
	 * @param oldestDue since when the one that waits longest is due, or {@code null} if none is
	 * @param queuedByPool step executions queued for a worker, by worker pool ({@code ""} for the default pool);
	 * pools with none are left out
	 */
	public record Backlog(long outboxRows, long dueSteps, @Nullable Instant oldestDue, Map<String, Long> queuedByPool) {

		/**
		 * Creates a backlog.
		 */
		public Backlog {
			queuedByPool = Map.copyOf(queuedByPool);
		}

		/**
		 * Returns how many step executions of a pool are queued for a worker.
		 * @param pool the pool, {@code ""} for the default pool
		 * @return the count
		 */
		public long queued(String pool) {
			return this.queuedByPool.getOrDefault(pool, 0L);
		}

	}

	/**
	 * Reads what waits for the background work, in one statement on the partial indexes of due and leased steps, and
	 * the queued step executions of each pool, in another on the partial index of queued and running ones.
	 * @param now the current time, as the background work sees it
	 * @return the backlog
	 */
	public Backlog backlog(Instant now) {
		OffsetDateTime time = time(now);
		Map<String, Long> queued = new HashMap<>();
		this.jdbc.query(QUEUED_BY_POOL, (RowCallbackHandler) (rows) -> queued.put(rows.getString(1), rows.getLong(2)));
		return this.jdbc.queryForObject(BACKLOG, (rows, row) -> new Backlog(rows.getLong(1), rows.getLong(2),
				instant(rows.getObject(3, OffsetDateTime.class)), queued), time, time);
	}

	private static @Nullable Instant instant(@Nullable OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

	private static OffsetDateTime time(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

}

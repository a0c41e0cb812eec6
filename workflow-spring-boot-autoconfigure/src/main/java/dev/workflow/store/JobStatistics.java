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
 * On a million jobs (6 workflows; 990,000 ended, 10,000 of them in the last hour; 3,000 active; 600,000 step
 * executions; PostgreSQL 15 on 2 cores, {@code EXPLAIN (ANALYZE, BUFFERS)}, warm cache, before V18 and after):
 * <ul>
 * <li>The overview ({@link #countByStatus} and {@link #countEndedPerMinute}) was a parallel sequential scan of all
 * 1,000,000 jobs (37,550 buffers, 264 ms) and a scan of the last 15 minutes on {@code wf_job_finished_idx}; 225 ms a
 * call in all (pgbench). It is now a loose index scan for the workflows (7 probes, 23 buffers) with, per workflow
 * and ended status, an index-only scan of {@code wf_job_outcome_idx} that stops at {@link #COUNT_LIMIT} (575
 * buffers, 5.2 ms); a bitmap scan of {@code wf_job_active_idx} for the 3,000 active jobs (418 buffers, 1.5 ms); and
 * one range scan of the last hour on {@code wf_job_finished_idx} (10,000 jobs, 407 buffers, 7.2 ms): 17 ms a call.
 * Only the last figure grows with the load: it follows the jobs ended in the last hour.</li>
 * <li>{@link #waitingSteps}: was a sequential scan of the 600,000 step executions (27,328 buffers, 91 ms); now a
 * bitmap of {@code wf_step_execution_lease_idx} and {@code wf_step_execution_due_idx} and the 3,000 jobs by primary
 * key (12,235 buffers, 29 ms).</li>
 * <li>{@link #backlog} and {@link #unrunnableWork} read partial indexes already (2.4 and 1.6 ms, 1.2 ms).</li>
 * </ul>
 */
public class JobStatistics {

	/**
	 * The most that {@link #countByStatus} counts per workflow and status: a count that reaches it means at least that
	 * many. Ended jobs pile up until retention deletes them; counting them all is a scan of them all.
	 */
	public static final long COUNT_LIMIT = 1_000;

	/** The statuses of ended jobs, in the order of the columns of {@link #COUNT_ENDED}. */
	private static final List<JobStatus> ENDED = Stream.of(JobStatus.values()).filter(JobStatus::isFinal).toList();

	/**
	 * The workflows that have jobs, by a loose scan of the index on {@code (workflow_name, created_at)} (one probe per
	 * workflow), with, per ended status, a count of their jobs in it on the partial index of outcomes that stops at
	 * {@link #COUNT_LIMIT}. The active jobs are counted apart ({@link #COUNT_ACTIVE}): with them, the planner's guess
	 * of 100 workflows priced the statement above {@code jit_above_cost}, and compiling it took longer (30 ms and
	 * more) than running it.
	 */
	private static final String COUNT_ENDED = """
			with recursive workflows (name) as (
			  (select workflow_name from wf_job order by workflow_name limit 1)
			  union all
			  select (select j.workflow_name from wf_job j where j.workflow_name > w.name order by j.workflow_name limit 1)
			  from workflows w where w.name is not null)
			select w.name, %s from workflows w where w.name is not null""".formatted(ENDED.stream()
		.map((status) -> "(select count(*) from (select from wf_job j where j.workflow_name = w.name and j.outcome = '"
				+ status + "' limit " + COUNT_LIMIT + ") c)")
		.collect(Collectors.joining(",\n  ")));

	/** The jobs not ended, by workflow and status, on the partial index of active jobs. */
	private static final String COUNT_ACTIVE = """
			select workflow_name, status, count(*) from wf_job where finished_at is null group by workflow_name, status""";

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

	/**
	 * What the engine has in hand and when it next has something to do: step executions of open jobs queued, running
	 * or due, and outbox rows; the earliest time a step, a deadline, a schedule or a debounce window falls due
	 * (held steps of paused workflows, due at the end of time, left out). Parameters: now, five times.
	 */
	private static final String ACTIVITY = """
			select
			  (select count(*) from wf_step_execution s join wf_job j on j.id = s.job_id where j.finished_at is null
			    and (s.status in ('QUEUED', 'RUNNING') or (s.status = 'SCHEDULED' and s.due_at <= ?)))
			  + (select count(*) from wf_outbox),
			  least(
			    (select min(s.due_at) from wf_step_execution s join wf_job j on j.id = s.job_id
			      where s.status = 'SCHEDULED' and s.due_at > ? and s.due_at < '9999-01-01' and j.finished_at is null),
			    (select min(deadline_at) from wf_job where deadline_at is not null and finished_at is null
			      and deadline_at > ?),
			    (select min(next_fire_at) from wf_schedule where not paused and next_fire_at > ?),
			    (select min(not_before) from wf_job where not_before is not null and status = 'WAITING'
			      and not_before > ?))""";

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
	 * Counts the jobs of each workflow that has any in each status, up to {@link #COUNT_LIMIT} per status, in two
	 * statements: the count of an ended status reads that many index entries at most; the active jobs (QUEUED,
	 * RUNNING) are read in full, so their cost follows how many jobs are in flight, and their counts are cut to the
	 * limit too, so that every count means the same.
	 * @return the counts, by workflow in the order of their names
	 */
	public List<WorkflowCounts> countByStatus() {
		Map<String, Map<JobStatus, Long>> active = new HashMap<>();
		this.jdbc.query(COUNT_ACTIVE, (RowCallbackHandler) (row) -> active
			.computeIfAbsent(row.getString(1), (workflow) -> new EnumMap<>(JobStatus.class))
			.put(JobStatus.valueOf(row.getString(2)), Math.min(row.getLong(3), COUNT_LIMIT)));
		return this.jdbc.query(COUNT_ENDED, (row, n) -> {
			String workflow = row.getString(1);
			Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
			for (JobStatus status : JobStatus.values()) {
				counts.put(status, 0L);
			}
			counts.putAll(active.getOrDefault(workflow, Map.of()));
			for (int i = 0; i < ENDED.size(); i++) {
				counts.put(ENDED.get(i), row.getLong(i + 2));
			}
			return new WorkflowCounts(workflow, counts);
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

	/**
	 * What the engine has in hand now, and when it next has something to do.
	 *
	 * @param inHand step executions of open jobs that are queued, running or due, and outbox rows not yet relayed
	 * @param nextDue the earliest later time at which a step (a timer, a retry, a timeout), a job's deadline, a
	 * schedule's fire or a debounce window falls due, or {@code null} if nothing waits for a time
	 */
	public record Activity(long inHand, @Nullable Instant nextDue) {

		/**
		 * Whether nothing is in hand: every open job waits for a time, an event or a place.
		 * @return {@code true} if idle
		 */
		public boolean idle() {
			return this.inHand == 0;
		}

	}

	/**
	 * Reads what the engine has in hand now and when it next has something to do, in one statement.
	 * @param now the current time, as the engine sees it
	 * @return the activity
	 */
	public Activity activity(Instant now) {
		OffsetDateTime time = time(now);
		return this.jdbc.queryForObject(ACTIVITY, (rows, row) -> new Activity(rows.getLong(1),
				instant(rows.getObject(2, OffsetDateTime.class))), time, time, time, time, time);
	}

	private static @Nullable Instant instant(@Nullable OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

	private static OffsetDateTime time(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

}

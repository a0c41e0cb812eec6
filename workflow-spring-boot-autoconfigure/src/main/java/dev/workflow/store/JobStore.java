package dev.workflow.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.JobQuery;
import dev.workflow.api.JobStatus;
import javax.sql.DataSource;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import org.hibernate.jpa.HibernateHints;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The statistics and searches of jobs, for {@code actuate}, the client and the dashboard. Every method runs in the
 * caller's transaction, or, outside one, commits on its own.
 * <p>
 * The rows of each table have a repository of their own: {@link JobRows}, {@link StepExecutions} (and
 * {@link StepCompletions}, which completes them), {@link OutboxRows}, {@link Events} and
 * {@link DefinitionVersionRows}; {@link EndedJobs} holds the retention's queries.
 */
public class JobStore {

	private final EntityManager entityManager;

	private final JdbcTemplate jdbc;

	/**
	 * Creates a store.
	 * @param entityManager the shared entity manager
	 * @param dataSource the data source of the entity manager's persistence unit
	 */
	public JobStore(EntityManager entityManager, DataSource dataSource) {
		this.entityManager = entityManager;
		this.jdbc = new JdbcTemplate(dataSource);
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
		return this.jdbc.query("""
				select j.workflow_name, s.step_name, count(*), count(distinct s.job_id), min(s.unrunnable_since)
				from wf_step_execution s join wf_job j on j.id = s.job_id
				where s.unrunnable_since is not null and s.status = 'QUEUED'
				group by j.workflow_name, s.step_name order by 5""", JobStore::stepGroup);
	}

	/**
	 * Reads the step executions that jobs not yet ended wait at (queued, running or waiting for a retry), by workflow
	 * and step: what a release must still be able to run.
	 * @return the groups
	 */
	public List<StepGroup> waitingSteps() {
		return this.jdbc.query("""
				select j.workflow_name, s.step_name, count(*), count(distinct s.job_id), min(s.created_at)
				from wf_step_execution s join wf_job j on j.id = s.job_id
				where s.status in ('QUEUED', 'RUNNING', 'SCHEDULED') and j.status in ('QUEUED', 'RUNNING')
				group by j.workflow_name, s.step_name""", JobStore::stepGroup);
	}

	private static StepGroup stepGroup(java.sql.ResultSet rows, int row) throws java.sql.SQLException {
		return new StepGroup(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getLong(4),
				instant(rows.getObject(5, OffsetDateTime.class)));
	}

	/**
	 * Finds jobs, newest first.
	 * @param query what to look for; its user context is given separately, as JSON
	 * @param userContextJson only jobs whose user context contains this JSON object, if given
	 * @return the jobs
	 */
	@SuppressWarnings("unchecked")
	public List<JobEntity> find(JobQuery query, @Nullable String userContextJson) {
		Query found = this.entityManager.createNativeQuery(findSql(query), JobEntity.class);
		int position = 1;
		if (query.workflow() != null) {
			found.setParameter(position++, query.workflow());
		}
		if (query.status() != null) {
			found.setParameter(position++, query.status().name());
		}
		if (query.userContext() != null) {
			found.setParameter(position++, userContextJson);
		}
		if (query.createdAfter() != null) {
			found.setParameter(position++, time(query.createdAfter()));
		}
		if (query.createdBefore() != null) {
			found.setParameter(position++, time(query.createdBefore()));
		}
		found.setParameter(position++, query.limit());
		found.setParameter(position, query.offset());
		return found.setHint(HibernateHints.HINT_READ_ONLY, true).getResultList();
	}

	/**
	 * Returns the statement {@link #find} runs, with JDBC placeholders in the order workflow, status, user context,
	 * created after, created before (each only when the query has it), limit, offset. The user context condition is
	 * a JSONB containment ({@code @>}), which the GIN index on {@code user_context} serves.
	 * @param query the query
	 * @return the SQL
	 */
	public static String findSql(JobQuery query) {
		List<String> conditions = new ArrayList<>();
		if (query.workflow() != null) {
			conditions.add("workflow_name = ?");
		}
		if (query.status() != null) {
			conditions.add("status = ?");
		}
		if (query.userContext() != null) {
			conditions.add("user_context @> cast(? as jsonb)");
		}
		if (query.createdAfter() != null) {
			conditions.add("created_at >= ?");
		}
		if (query.createdBefore() != null) {
			conditions.add("created_at < ?");
		}
		return "select * from wf_job" + (conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions))
				+ " order by created_at desc, id limit ? offset ?";
	}

	/**
	 * How many jobs of a workflow are in a status.
	 * @param workflow the workflow
	 * @param status the status
	 * @param jobs how many jobs are in it
	 * @param endedSince of those, how many ended since the time asked for
	 */
	public record StatusCount(String workflow, JobStatus status, long jobs, long endedSince) {
	}

	/**
	 * Counts the jobs of each workflow in each status, in one scan of the job table.
	 * @param since the time from which {@link StatusCount#endedSince()} counts
	 * @return the counts, for the workflows and statuses that have jobs
	 */
	public List<StatusCount> countByStatus(Instant since) {
		return this.jdbc.query("""
				select workflow_name, status, count(*) as jobs, count(*) filter (where finished_at >= ?) as ended
				from wf_job group by workflow_name, status""",
				(row, n) -> new StatusCount(row.getString(1), JobStatus.valueOf(row.getString(2)), row.getLong(3),
						row.getLong(4)),
				time(since));
	}

	/**
	 * How many jobs of a workflow ended in a status in one minute.
	 * @param workflow the workflow
	 * @param minute the minute's start
	 * @param status COMPLETED or FAILED
	 * @param jobs how many
	 */
	public record EndedInMinute(String workflow, Instant minute, JobStatus status, long jobs) {
	}

	/**
	 * Counts the jobs that completed or failed in each minute since a time, by workflow.
	 * @param since the start of the first minute
	 * @return the counts, for the minutes in which any ended
	 */
	public List<EndedInMinute> countEndedPerMinute(Instant since) {
		return this.jdbc.query("""
				select workflow_name, date_trunc('minute', finished_at) as minute, status, count(*)
				from wf_job where finished_at >= ? and status in ('COMPLETED', 'FAILED')
				group by workflow_name, minute, status""",
				(row, n) -> new EndedInMinute(row.getString(1),
						row.getObject(2, OffsetDateTime.class).toInstant(), JobStatus.valueOf(row.getString(3)),
						row.getLong(4)),
				time(since));
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
		this.jdbc.query("""
				select coalesce(pool, ''), count(*) from wf_step_execution where status = 'QUEUED'
				group by coalesce(pool, '')""", (RowCallbackHandler) (rows) -> queued.put(rows.getString(1),
				rows.getLong(2)));
		return this.jdbc.queryForObject("""
				with due as (select due_at as since from wf_step_execution where status = 'SCHEDULED' and due_at <= ?),
				lapsed as (
				  select lease_expires_at as since from wf_step_execution
				  where status in ('QUEUED', 'RUNNING') and lease_expires_at < ?)
				select (select count(*) from wf_outbox), (select count(*) from due) + (select count(*) from lapsed),
				  least((select min(since) from due), (select min(since) from lapsed))""",
				(rows, row) -> new Backlog(rows.getLong(1), rows.getLong(2),
						instant(rows.getObject(3, OffsetDateTime.class)), queued),
				time, time);
	}

	private static @Nullable Instant instant(@Nullable OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

	private static OffsetDateTime time(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

}

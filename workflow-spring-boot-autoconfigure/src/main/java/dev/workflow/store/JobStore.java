package dev.workflow.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
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
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The statistics and searches of jobs, for {@code actuate}, the client and the dashboard. Every method runs in the
 * caller's transaction, or, outside one, commits on its own.
 * <p>
 * The rows of each table have a repository of their own: {@link JobRows}, {@link StepExecutions} (and
 * {@link StepCompletions}, which completes them), {@link OutboxRows}, {@link Events} and
 * {@link DefinitionVersionRows}; {@link EndedJobs} holds the retention's queries. Until the engine calls them, this
 * store delegates the engine's calls to them.
 */
public class JobStore {

	private final EntityManager entityManager;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate jdbcTransactions;

	private final JobRows jobs;

	private final StepExecutions steps;

	private final StepCompletions completions;

	private final OutboxRows outbox;

	private final Events events;

	private final DefinitionVersionRows definitions;

	/**
	 * Creates a store.
	 * @param entityManager the shared entity manager
	 * @param dataSource the data source of the entity manager's persistence unit
	 * @param jdbcTransactions the application's transactions, for the engine's plain SQL work
	 * @param jobs the rows of jobs
	 * @param steps the rows of step executions
	 * @param completions the completions of step executions
	 * @param outbox the rows of the outbox
	 * @param events the rows of kept events
	 * @param definitions the rows of definition versions
	 */
	public JobStore(EntityManager entityManager, DataSource dataSource, TransactionTemplate jdbcTransactions,
			JobRows jobs, StepExecutions steps, StepCompletions completions, OutboxRows outbox, Events events,
			DefinitionVersionRows definitions) {
		this.entityManager = entityManager;
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbcTransactions = jdbcTransactions;
		this.jobs = jobs;
		this.steps = steps;
		this.completions = completions;
		this.outbox = outbox;
		this.events = events;
		this.definitions = definitions;
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
	 * Asks the database whether it answers.
	 * @throws org.springframework.dao.DataAccessException if it does not
	 */
	public void ping() {
		this.jdbc.queryForObject("select 1", Integer.class);
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

	/**
	 * Returns the rows of step executions (temporary: until the engine holds them itself).
	 * @return the rows of step executions
	 */
	public StepExecutions stepExecutions() {
		return this.steps;
	}

	/**
	 * Returns the rows of definition versions (temporary: until the engine holds them itself).
	 * @return the rows of definition versions
	 */
	public DefinitionVersionRows definitionVersionRows() {
		return this.definitions;
	}

	/**
	 * Stores a new entity through JPA (temporary: delegates to the repository of its table).
	 * @param entity a job, step execution, outbox row or event
	 */
	public void persist(Object entity) {
		if (entity instanceof JobEntity job) {
			this.jobs.persist(job);
		}
		else if (entity instanceof StepExecutionEntity execution) {
			this.steps.persist(execution);
		}
		else if (entity instanceof OutboxEntity row) {
			this.outbox.persist(row);
		}
		else {
			this.events.persist((EventEntity) entity);
		}
	}

	/**
	 * Delegates to {@link StepExecutions#batchWrites} (temporary).
	 * @param size the most statements in one batch
	 */
	public void batchWrites(int size) {
		this.steps.batchWrites(size);
	}

	/**
	 * Delegates to {@link JobRows#find} (temporary).
	 * @param id the job
	 * @return the job, or {@code null}
	 */
	public @Nullable JobEntity findJob(UUID id) {
		return this.jobs.find(id);
	}

	/**
	 * Delegates to {@link JobRows#lock} (temporary).
	 * @param id the job
	 * @return the job, or {@code null}
	 */
	public @Nullable JobEntity lockJob(UUID id) {
		return this.jobs.lock(id);
	}

	/**
	 * Delegates to {@link JobRows#lockUnlessBusy} (temporary).
	 * @param id the job
	 * @return the job, or {@code null}
	 */
	public @Nullable JobEntity lockJobUnlessBusy(UUID id) {
		return this.jobs.lockUnlessBusy(id);
	}

	/**
	 * Delegates to {@link JobRows#childJobIds} (temporary).
	 * @param parentEntryId the entry that waits for the child
	 * @return the child jobs
	 */
	public List<UUID> childJobIds(UUID parentEntryId) {
		return this.jobs.childJobIds(parentEntryId);
	}

	/**
	 * Delegates to {@link StepExecutions#openChildEntries} (temporary).
	 * @param jobId the job
	 * @param childEntry the name of the entries that wait for a child job
	 * @return the entries, in sequence
	 */
	public List<StepExecutionEntity> openChildEntries(UUID jobId, String childEntry) {
		return this.steps.openChildEntries(jobId, childEntry);
	}

	/**
	 * Delegates to {@link StepExecutions#find} (temporary).
	 * @param id the step execution
	 * @return it, or {@code null}
	 */
	public @Nullable StepExecutionEntity findStepExecution(UUID id) {
		return this.steps.find(id);
	}

	/**
	 * Delegates to {@link JobRows#findByIdempotencyKey} (temporary).
	 * @param workflowName the workflow
	 * @param key the idempotency key
	 * @return the job, or {@code null}
	 */
	public @Nullable JobEntity findJobByIdempotencyKey(String workflowName, String key) {
		return this.jobs.findByIdempotencyKey(workflowName, key);
	}

	/**
	 * Delegates to {@link StepExecutions#history} (temporary).
	 * @param jobId the job
	 * @param fromSequence the first position to return
	 * @return the entries, every attempt
	 */
	public List<StepExecutionEntity> history(UUID jobId, int fromSequence) {
		return this.steps.history(jobId, fromSequence);
	}

	/**
	 * Delegates to {@link StepExecutions#claimDueRetries} (temporary).
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the claimed step executions
	 */
	public List<StepExecutionEntity> claimDueRetries(Instant now, int limit) {
		return this.steps.claimDueRetries(now, limit);
	}

	/**
	 * Delegates to {@link StepExecutions#claimExpiredLeases} (temporary).
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the claimed step executions
	 */
	public List<StepExecutionEntity> claimExpiredLeases(Instant now, int limit) {
		return this.steps.claimExpiredLeases(now, limit);
	}

	/**
	 * Delegates to {@link OutboxRows#claimStale} (temporary).
	 * @param before only rows created before this
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the rows
	 */
	public List<OutboxEntity> claimStaleOutbox(Instant before, Instant now, int limit) {
		return this.outbox.claimStale(before, now, limit);
	}

	/**
	 * Delegates to {@link StepExecutions#renewLeases} (temporary).
	 * @param claims the step executions, each with the epoch of the worker's claim
	 * @param until the new expiry
	 * @return how many were still running under those claims
	 */
	public int renewLeases(Map<UUID, Integer> claims, Instant until) {
		return this.steps.renewLeases(claims, until);
	}

	/**
	 * Delegates to {@link StepExecutions#cancelPending} (temporary).
	 * @param jobId the job
	 * @param now the current time
	 * @param childEntry the name of the entries that wait for a child job
	 * @return how many were cancelled
	 */
	public int cancelPendingSteps(UUID jobId, Instant now, String childEntry) {
		return this.steps.cancelPending(jobId, now, childEntry);
	}

	/**
	 * Delegates to {@link Events#claimKept} (temporary).
	 * @param jobId the job
	 * @param name the event's name
	 * @return the event, or {@code null}
	 */
	public @Nullable EventEntity claimKeptEvent(UUID jobId, String name) {
		return this.events.claimKept(jobId, name);
	}

	/**
	 * Delegates to {@link StepExecutions#claimEventWait} (temporary).
	 * @param jobId the job
	 * @param step the built-in step of event waits
	 * @param name the event's name
	 * @return the waiting entry, or {@code null}
	 */
	public @Nullable StepExecutionEntity claimEventWait(UUID jobId, String step, String name) {
		return this.steps.claimEventWait(jobId, step, name);
	}

	/**
	 * Delegates to {@link StepExecutions#claim} (temporary).
	 * @param id the step execution
	 * @param attempt the attempt the message is for
	 * @param step the step's name
	 * @param workerId the worker
	 * @param now the current time
	 * @param leaseUntil when the lease lapses unless renewed
	 * @return what the claim found
	 */
	public StepExecutions.Claimed claim(UUID id, int attempt, String step, String workerId, Instant now,
			Instant leaseUntil) {
		return this.steps.claim(new StepExecutions.ClaimRequest(id, attempt, step, workerId, now, leaseUntil));
	}

	/**
	 * Delegates to {@link StepExecutions#release} (temporary).
	 * @param id the step execution
	 * @param attempt its attempt
	 * @param epoch the epoch of the caller's claim
	 * @param claimDeadline when it counts as lost unless a worker has claimed it
	 * @return whether it was handed back
	 */
	public boolean releaseClaim(UUID id, int attempt, int epoch, Instant claimDeadline) {
		return this.steps.release(new StepExecutions.HeldClaim(id, attempt, epoch), claimDeadline);
	}

	/**
	 * Delegates to {@link JobRows#insert} (temporary).
	 * @param job the job
	 * @param steps its first step executions, queued
	 * @param outbox the messages that dispatch them
	 */
	public void insertNewJob(JobEntity job, List<StepExecutionEntity> steps, List<OutboxEntity> outbox) {
		this.jobs.insert(new JobRows.NewJob(job, steps, outbox));
	}

	/**
	 * Delegates to {@link StepCompletions#completeAndQueue} (temporary).
	 * @param execution the running step execution
	 * @param attempt its attempt
	 * @param epoch the epoch of the caller's claim
	 * @param output the step's output as JSON
	 * @param now the current time
	 * @param jobId the job
	 * @param percentComplete the job's progress
	 * @param nextId the id of the next step execution
	 * @param nextStep the next step's name
	 * @param nextInput the next step's input as JSON
	 * @param nextPool the next step's worker pool
	 * @param nextDeadline when the next step execution counts as lost unless a worker has claimed it
	 * @param outbox the message that dispatches the next step
	 * @return what was found
	 */
	public StepCompletions.Completion completeAndQueue(UUID execution, int attempt, int epoch,
			@Nullable String output, Instant now, UUID jobId, int percentComplete, UUID nextId, String nextStep,
			@Nullable String nextInput, @Nullable String nextPool, Instant nextDeadline, OutboxEntity outbox) {
		return this.completions.completeAndQueue(
				new StepCompletions.StepDone(new StepExecutions.HeldClaim(execution, attempt, epoch), output, now),
				new StepCompletions.NextStep(jobId, percentComplete, nextId, nextStep, nextInput, nextPool,
						nextDeadline, outbox));
	}

	/**
	 * Delegates to {@link StepCompletions#completeLastStep} (temporary).
	 * @param execution the running step execution
	 * @param attempt its attempt
	 * @param epoch the epoch of the caller's claim
	 * @param output the step's output as JSON
	 * @param now the current time
	 * @param jobId the job
	 * @param jobOutput the job's result as JSON
	 * @return what was found
	 */
	public StepCompletions.Completion completeLastStep(UUID execution, int attempt, int epoch,
			@Nullable String output, Instant now, UUID jobId, @Nullable String jobOutput) {
		return this.completions.completeLastStep(
				new StepCompletions.StepDone(new StepExecutions.HeldClaim(execution, attempt, epoch), output, now),
				jobId, jobOutput);
	}

	/**
	 * Runs work in a transaction of the application's transaction manager, for the store's plain SQL methods
	 * (temporary: the engine's own transactions are the same).
	 * @param <T> the result type
	 * @param work the work
	 * @return its result
	 */
	public <T> @Nullable T inJdbcTransaction(TransactionCallback<T> work) {
		return this.jdbcTransactions.execute(work);
	}

	/**
	 * Delegates to {@link JobRows#lockForReplay} (temporary).
	 * @param jobId the job
	 * @return what a replay needs of it, or {@code null}
	 */
	public JobRows.@Nullable LockedJob lockJobRow(UUID jobId) {
		return this.jobs.lockForReplay(jobId);
	}

	/**
	 * Delegates to {@link StepExecutions#historyRows} (temporary).
	 * @param jobId the job
	 * @param fromSequence the first position to return
	 * @return the entries, every attempt
	 */
	public List<StepExecutionEntity> historyRows(UUID jobId, int fromSequence) {
		return this.steps.historyRows(jobId, fromSequence);
	}

	/**
	 * Delegates to {@link StepCompletions#countAndQueue} (temporary).
	 * @param jobId the job
	 * @param percentComplete the job's progress
	 * @param currentStep the job's current step from now on, or {@code null} to keep it
	 * @param steps the step executions to queue
	 * @param outbox the messages that dispatch them
	 */
	public void countAndQueue(UUID jobId, int percentComplete, @Nullable String currentStep,
			List<StepExecutionEntity> steps, List<OutboxEntity> outbox) {
		this.completions.countAndQueue(jobId, percentComplete, currentStep, steps, outbox);
	}

	/**
	 * Delegates to {@link JobRows#countAndComplete} (temporary).
	 * @param jobId the job
	 * @param output the job's result as JSON
	 * @param now the current time
	 */
	public void countAndComplete(UUID jobId, @Nullable String output, Instant now) {
		this.jobs.countAndComplete(jobId, output, now);
	}

	/**
	 * Delegates to {@link StepCompletions#completeRunning} (temporary).
	 * @param execution the step execution
	 * @param attempt its attempt
	 * @param epoch the epoch of the caller's claim
	 * @param output its output as JSON
	 * @param now the current time
	 * @return its sequence, or {@code null} if it was not running under that claim
	 */
	public @Nullable Integer completeRunning(UUID execution, int attempt, int epoch, @Nullable String output,
			Instant now) {
		return this.completions.completeRunning(
				new StepCompletions.StepDone(new StepExecutions.HeldClaim(execution, attempt, epoch), output, now));
	}

	/**
	 * Delegates to {@link OutboxRows#delete} (temporary).
	 * @param ids the rows
	 */
	public void deleteOutbox(Collection<UUID> ids) {
		this.outbox.delete(ids);
	}

	private static @Nullable Instant instant(@Nullable OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

	private static OffsetDateTime time(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

}

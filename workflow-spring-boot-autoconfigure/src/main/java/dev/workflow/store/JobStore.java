package dev.workflow.store;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.JobStatus;
import dev.workflow.api.StepStatus;
import javax.sql.DataSource;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.hibernate.Session;
import org.hibernate.jpa.HibernateHints;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads and writes jobs, step executions and outbox rows. Every method runs in the caller's transaction, or, outside
 * one, commits on its own.
 * <p>
 * Most methods go through JPA. The transitions every step goes through are plain SQL, as few statements as each
 * takes, because they are the hot path: one statement starts a job, one claims a step, one completes it and queues
 * the next (or completes the job), one deletes a batch of published outbox rows; a workflow method's step is completed,
 * replayed against the history and followed by its next steps in a handful.
 */
public class JobStore {

	private static final String FINAL_STATUSES = "('COMPLETED', 'FAILED', 'ABORTED', 'CANCELLED')";

	/**
	 * Marks a running step execution completed, if its latest claim is the caller's; parameters: output, finished at,
	 * id, attempt, claim epoch.
	 */
	/**
	 * What a hand-back sets: a deadline after a back-off that doubles with each hand-back since the last claim (the
	 * lease sweep dispatches the step again then), and since when it waits for an instance able to run it.
	 */
	private static final String HAND_BACK = """
			lease_expires_at = ?::timestamptz + least(? * power(2, least(hand_backs, 30)), ?) * interval '1 millisecond',
			unrunnable_since = coalesce(unrunnable_since, ?), hand_backs = hand_backs + 1, version = version + 1
			""";

	private static final String COMPLETE_RUNNING = """
			update wf_step_execution set status = 'COMPLETED', output = ?::jsonb, finished_at = ?,
			  lease_expires_at = null, version = version + 1
			where id = ? and attempt = ? and status = 'RUNNING' and claim_epoch = ?
			returning sequence""";

	/** Inserts a job; parameters: those of {@link #jobValues}. */
	private static final String INSERT_JOB = """
			insert into wf_job (id, workflow_name, status, input, user_context, step_context, current_step, step_count,
			  percent_complete, idempotency_key, created_at, trace_context, definition_version, version)
			values (?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?, 0)""";

	/** Counts a completed step on its job; parameters: progress, current step (or null to keep it), job id. */
	private static final String COUNT_STEP = """
			update wf_job set steps_completed = steps_completed + 1, percent_complete = ?,
			  current_step = coalesce(?, current_step), version = version + 1
			where id = ?""";

	/** Inserts a step execution; parameters: those of {@link #stepValues}. */
	private static final String INSERT_STEP = """
			insert into wf_step_execution (id, job_id, sequence, step_name, attempt, status, input, created_at,
			  lease_expires_at, pool, version)
			values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, 0)""";

	/** Inserts an outbox row; parameters: those of {@link #outboxValues}. */
	private static final String INSERT_OUTBOX = """
			insert into wf_outbox (id, exchange, routing_key, payload, created_at) values (?, ?, ?, ?, ?)""";

	private final EntityManager entityManager;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate jdbcTransactions;

	/**
	 * Creates a store.
	 * @param entityManager the shared entity manager
	 * @param dataSource the data source of the entity manager's persistence unit
	 */
	public JobStore(EntityManager entityManager, DataSource dataSource) {
		this.entityManager = entityManager;
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbcTransactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
	}

	/**
	 * Hands a running step execution back to the queue, if the caller's claim is still the latest: its worker shuts
	 * down, and the message goes back to the broker for another worker, with no lease to wait for.
	 * @param id the step execution
	 * @param attempt its attempt
	 * @param epoch the epoch of the caller's claim
	 * @param claimDeadline when it counts as lost unless a worker has claimed it
	 * @return whether it was handed back
	 */
	public boolean releaseClaim(UUID id, int attempt, int epoch, Instant claimDeadline) {
		return this.jdbc.update("""
				update wf_step_execution set status = 'QUEUED', lease_expires_at = ?, version = version + 1
				where id = ? and attempt = ? and claim_epoch = ? and status = 'RUNNING'""", time(claimDeadline), id,
				attempt, epoch) == 1;
	}

	/**
	 * Hands a queued step execution that this instance has no code for back to the queue, in one statement: it gets a
	 * deadline after the given back-off, which {@link #claimExpiredLeases} then finds, and remembers since when it
	 * waits for an instance able to run it. Nothing changes if it is no longer queued under that attempt, or if it has
	 * waited since before the given moment (it is to fail instead).
	 * @param id the step execution
	 * @param attempt the attempt the message is for
	 * @param now the current time
	 * @param initialBackoff the back-off of the first hand-back, doubled with each further one
	 * @param maxBackoff the longest back-off
	 * @param waitingSince only if it has waited for a capable instance since this moment, or not at all
	 * @return the hand-backs so far, this one included, or 0 if nothing changed
	 */
	public int handBack(UUID id, int attempt, Instant now, Duration initialBackoff, Duration maxBackoff,
			Instant waitingSince) {
		List<Integer> handBacks = this.jdbc.queryForList("update wf_step_execution set " + HAND_BACK + """
				where id = ? and attempt = ? and status = 'QUEUED' and (unrunnable_since is null or unrunnable_since >= ?)
				returning hand_backs""", Integer.class, time(now), (double) initialBackoff.toMillis(),
				(double) maxBackoff.toMillis(), time(now), id, attempt, time(waitingSince));
		return handBacks.isEmpty() ? 0 : handBacks.get(0);
	}

	/**
	 * Hands a step execution that this instance has run but cannot record the outcome of back to the queue, in one
	 * statement: its claim is released, and it gets the back-off and the mark of {@link #handBack}.
	 * @param id the step execution
	 * @param attempt the attempt
	 * @param epoch the epoch of the claim this instance holds
	 * @param now the current time
	 * @param initialBackoff the back-off of the first hand-back, doubled with each further one
	 * @param maxBackoff the longest back-off
	 * @return whether it was handed back: {@code false} if the claim was lost meanwhile
	 */
	public boolean releaseAndHandBack(UUID id, int attempt, int epoch, Instant now, Duration initialBackoff,
			Duration maxBackoff) {
		return this.jdbc.update("update wf_step_execution set status = 'QUEUED', " + HAND_BACK + """
				where id = ? and attempt = ? and claim_epoch = ? and status = 'RUNNING'""", time(now),
				(double) initialBackoff.toMillis(), (double) maxBackoff.toMillis(), time(now), id, attempt, epoch) == 1;
	}

	/**
	 * Records that an instance runs a version of a pipeline's definition; the first instance to run it sets when it
	 * appeared.
	 * @param workflow the workflow
	 * @param fingerprint the version (see {@code WorkflowDefinition#fingerprint()})
	 * @param steps its step names in order, for people to read
	 */
	public void registerDefinition(String workflow, String fingerprint, List<String> steps) {
		this.jdbc.update("""
				insert into wf_definition (workflow_name, fingerprint, steps) values (?, ?, ?)
				on conflict (workflow_name, fingerprint) do nothing""", workflow, fingerprint, String.join(",", steps));
	}

	/**
	 * Reads when each version of a pipeline's definition first appeared.
	 * @param workflow the workflow
	 * @return the versions, by fingerprint
	 */
	public Map<String, Instant> definitionVersions(String workflow) {
		Map<String, Instant> versions = new HashMap<>();
		this.jdbc.query("select fingerprint, registered_at from wf_definition where workflow_name = ?",
				(java.sql.ResultSet rows) -> {
					versions.put(rows.getString(1), instant(rows.getObject(2, OffsetDateTime.class)));
				}, workflow);
		return versions;
	}

	/**
	 * Asks the database whether it answers.
	 * @throws org.springframework.dao.DataAccessException if it does not
	 */
	public void ping() {
		this.jdbc.queryForObject("select 1", Integer.class);
	}

	public void persist(Object entity) {
		this.entityManager.persist(entity);
	}

	/**
	 * Lets the current transaction send its inserts and updates of one table in JDBC batches: for decisions that
	 * write many rows at once, such as a fan-out of parallel steps.
	 * @param size the most statements in one batch
	 */
	public void batchWrites(int size) {
		this.entityManager.unwrap(Session.class).setJdbcBatchSize(size);
	}

	public @Nullable JobEntity findJob(UUID id) {
		return this.entityManager.find(JobEntity.class, id);
	}

	/**
	 * Reads a job and locks its row until the transaction ends.
	 * @param id the job
	 * @return the job, or {@code null}
	 */
	public @Nullable JobEntity lockJob(UUID id) {
		return this.entityManager.find(JobEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
	}

	/**
	 * Reads a job and locks its row until the transaction ends, unless another transaction holds the row: for a
	 * transaction that holds the rows of the job's ancestors, which a transaction that ends this job then waits for.
	 * @param id the job
	 * @return the job, or {@code null} if another transaction holds its row (or there is no such job)
	 */
	public @Nullable JobEntity lockJobUnlessBusy(UUID id) {
		boolean free = !this.entityManager
			.createNativeQuery("select 1 from wf_job where id = ? for update skip locked")
			.setParameter(1, id)
			.getResultList()
			.isEmpty();
		return free ? lockJob(id) : null;
	}

	/**
	 * Returns the ids of the child jobs an entry of a job's history started: at most one.
	 * @param parentEntryId the entry that waits for the child
	 * @return the child jobs
	 */
	public List<UUID> childJobIds(UUID parentEntryId) {
		return this.jdbc.queryForList("select id from wf_job where parent_entry_id = ?", UUID.class, parentEntryId);
	}

	/**
	 * Returns the entries of a job's history that wait for a child job.
	 * @param jobId the job
	 * @param childEntry the name of the entries that wait for a child job
	 * @return the entries, in sequence
	 */
	public List<StepExecutionEntity> openChildEntries(UUID jobId, String childEntry) {
		return this.entityManager
			.createQuery("select s from StepExecutionEntity s where s.jobId = :jobId and s.stepName = :step "
					+ "and s.status = :scheduled order by s.sequence", StepExecutionEntity.class)
			.setParameter("jobId", jobId)
			.setParameter("step", childEntry)
			.setParameter("scheduled", StepStatus.SCHEDULED)
			.getResultList();
	}

	/**
	 * Reads a step execution, to change it: also one that a history read of this transaction holds read-only.
	 * @param id the step execution
	 * @return it, or {@code null}
	 */
	public @Nullable StepExecutionEntity findStepExecution(UUID id) {
		StepExecutionEntity execution = this.entityManager.find(StepExecutionEntity.class, id);
		if (execution != null) {
			Session session = this.entityManager.unwrap(Session.class);
			if (session.isReadOnly(execution)) {
				session.setReadOnly(execution, false);
			}
		}
		return execution;
	}

	/**
	 * Finds the job that a start of a workflow with an idempotency key created: keys are unique per workflow.
	 * @param workflowName the workflow
	 * @param key the idempotency key
	 * @return the job, or {@code null}
	 */
	public @Nullable JobEntity findJobByIdempotencyKey(String workflowName, String key) {
		List<JobEntity> found = this.entityManager
			.createQuery("select j from JobEntity j where j.workflowName = :workflow and j.idempotencyKey = :key",
					JobEntity.class)
			.setParameter("workflow", workflowName)
			.setParameter("key", key)
			.getResultList();
		return found.isEmpty() ? null : found.get(0);
	}

	/**
	 * Returns a job's step executions in sequence.
	 * @param jobId the job
	 * @return its history
	 */
	public List<StepExecutionEntity> history(UUID jobId) {
		return this.entityManager
			.createQuery("select s from StepExecutionEntity s where s.jobId = :jobId order by s.sequence, s.attempt",
					StepExecutionEntity.class)
			.setParameter("jobId", jobId)
			.getResultList();
	}

	/**
	 * Returns the entries of a job's history from a position on, in sequence. They are read-only (a replay only reads
	 * them, and the transaction's flush then has nothing to compare); {@link #findStepExecution} makes one writable.
	 * @param jobId the job
	 * @param fromSequence the first position to return
	 * @return the entries, every attempt
	 */
	public List<StepExecutionEntity> history(UUID jobId, int fromSequence) {
		return this.entityManager
			.createQuery("select s from StepExecutionEntity s where s.jobId = :jobId and s.sequence >= :from "
					+ "order by s.sequence, s.attempt", StepExecutionEntity.class)
			.setParameter("jobId", jobId)
			.setParameter("from", fromSequence)
			.setHint(HibernateHints.HINT_READ_ONLY, true)
			.getResultList();
	}

	/**
	 * Claims retries whose time has come, skipping those another instance holds.
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the claimed step executions, locked until the transaction ends
	 */
	public List<StepExecutionEntity> claimDueRetries(Instant now, int limit) {
		return claim("select * from wf_step_execution where status = 'SCHEDULED' and due_at <= ? "
				+ "order by due_at limit ? for update skip locked", now, limit);
	}

	/**
	 * Claims the step executions whose deadline has passed: running ones whose worker has stopped renewing their
	 * lease, and queued ones that no worker has claimed in time (their message is taken as lost).
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the claimed step executions, locked until the transaction ends
	 */
	public List<StepExecutionEntity> claimExpiredLeases(Instant now, int limit) {
		return claim("select * from wf_step_execution where status in ('QUEUED', 'RUNNING') and lease_expires_at < ? "
				+ "order by lease_expires_at limit ? for update skip locked", now, limit);
	}

	@SuppressWarnings("unchecked")
	private List<StepExecutionEntity> claim(String sql, Instant now, int limit) {
		return this.entityManager.createNativeQuery(sql, StepExecutionEntity.class)
			.setParameter(1, now)
			.setParameter(2, limit)
			.getResultList();
	}

	/**
	 * Claims outbox rows older than a moment: those a crash left behind, or that the broker did not confirm. A row the
	 * broker refused waits until its next attempt is due.
	 * @param before only rows created before this
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the rows, locked until the transaction ends
	 */
	@SuppressWarnings("unchecked")
	public List<OutboxEntity> claimStaleOutbox(Instant before, Instant now, int limit) {
		return this.entityManager
			.createNativeQuery("select * from wf_outbox where created_at < ? "
					+ "and (next_attempt_at is null or next_attempt_at <= ?) order by created_at limit ? "
					+ "for update skip locked", OutboxEntity.class)
			.setParameter(1, before)
			.setParameter(2, now)
			.setParameter(3, limit)
			.getResultList();
	}

	/**
	 * Extends the leases of step executions a worker is running, each only while the claim the worker holds is the
	 * latest, in one statement.
	 * @param claims the step executions, each with the epoch of the worker's claim
	 * @param until the new expiry
	 * @return how many were still running under those claims
	 */
	public int renewLeases(Map<UUID, Integer> claims, Instant until) {
		if (claims.isEmpty()) {
			return 0;
		}
		UUID[] ids = new UUID[claims.size()];
		Integer[] epochs = new Integer[claims.size()];
		int i = 0;
		for (Map.Entry<UUID, Integer> claim : claims.entrySet()) {
			ids[i] = claim.getKey();
			epochs[i++] = claim.getValue();
		}
		return this.jdbc.update("""
				update wf_step_execution s set lease_expires_at = ?
				from unnest(?::uuid[], ?::int[]) as held (id, epoch)
				where s.id = held.id and s.claim_epoch = held.epoch and s.status = 'RUNNING'""", time(until), ids,
				epochs);
	}

	/**
	 * Cancels a job's step executions that have not started, without waiting for a row another transaction holds.
	 * The caller holds the job's row, and the claim of a queued job's first step holds the step's row before it
	 * wants the job's: waiting for the step would deadlock. A step skipped that way is being claimed (or dispatched
	 * by the background work); it is cancelled when it meets the ended job: at its claim, or, if it was already
	 * claimed, when it completes, fails or its lease lapses, and its result is discarded.
	 * <p>
	 * Entries that wait for a child job are left alone: they are cancelled with their child.
	 * @param jobId the job
	 * @param now the current time
	 * @param childEntry the name of the entries that wait for a child job
	 * @return how many were cancelled
	 */
	public int cancelPendingSteps(UUID jobId, Instant now, String childEntry) {
		return this.entityManager.createNativeQuery("""
				update wf_step_execution set status = 'CANCELLED', finished_at = ?, version = version + 1
				where id in (
				  select id from wf_step_execution
				  where job_id = ? and status in ('SCHEDULED', 'QUEUED') and step_name <> ?
				  for update skip locked)""")
			.setParameter(1, now)
			.setParameter(2, jobId)
			.setParameter(3, childEntry)
			.executeUpdate();
	}

	/**
	 * Finds the oldest event of a name sent to a job and not yet taken, and locks it.
	 * @param jobId the job
	 * @param name the event's name
	 * @return the event, or {@code null}
	 */
	@SuppressWarnings("unchecked")
	public @Nullable EventEntity claimKeptEvent(UUID jobId, String name) {
		List<EventEntity> found = this.entityManager
			.createNativeQuery("select * from wf_event where job_id = ? and name = ? and consumed_at is null "
					+ "order by created_at limit 1 for update", EventEntity.class)
			.setParameter(1, jobId)
			.setParameter(2, name)
			.getResultList();
		return found.isEmpty() ? null : found.get(0);
	}

	/**
	 * Finds the entry of a job's history that waits for an event of a name, and locks it.
	 * @param jobId the job
	 * @param step the built-in step of event waits
	 * @param name the event's name
	 * @return the waiting entry, or {@code null}
	 */
	@SuppressWarnings("unchecked")
	public @Nullable StepExecutionEntity claimEventWait(UUID jobId, String step, String name) {
		List<StepExecutionEntity> found = this.entityManager
			.createNativeQuery("select * from wf_step_execution where job_id = ? and step_name = ? "
					+ "and status = 'SCHEDULED' and input ->> 'name' = ? order by sequence limit 1 for update",
					StepExecutionEntity.class)
			.setParameter(1, jobId)
			.setParameter(2, step)
			.setParameter(3, name)
			.getResultList();
		return found.isEmpty() ? null : found.get(0);
	}

	/**
	 * What a claim found.
	 */
	public enum Claim {

		/** The step execution is this worker's to run, and its job runs. */
		CLAIMED,

		/** The step execution has ended or another worker holds its lease: nothing to do. */
		NOT_CLAIMABLE,

		/** The step execution was claimed, but its job has ended: the step must not run. */
		JOB_ENDED

	}

	/**
	 * What a claim found, and the epoch of the claim if it took one.
	 *
	 * @param outcome what the claim found
	 * @param epoch the claim's fencing token: the execution's claim epoch after it, which every statement that ends the
	 * attempt or renews its lease names
	 */
	public record Claimed(Claim outcome, int epoch) {
	}

	/**
	 * Claims a queued step execution (or one whose lease has lapsed) for a worker and, if the job is still queued,
	 * marks it running, in one statement. A running job's row is left alone: its current step was set when the step
	 * was queued. Each claim takes the next claim epoch of the execution.
	 * <p>
	 * The claim commits without waiting for its WAL to reach the disk ({@code synchronous_commit} off for this
	 * transaction only): a claim lost in a database crash leaves the step queued, and the broker's redelivery claims
	 * it again, so the step's path waits for one disk flush, that of its completion, which also flushes the claim.
	 * @param id the step execution
	 * @param attempt the attempt the message is for
	 * @param step the step's name, the job's current step from now on
	 * @param workerId the worker
	 * @param now the current time
	 * @param leaseUntil when the lease lapses unless renewed
	 * @return what the claim found
	 */
	public Claimed claim(UUID id, int attempt, String step, String workerId, Instant now, Instant leaseUntil) {
		return this.jdbc.queryForObject("""
				with claimed as (
				  update wf_step_execution set status = 'RUNNING', started_at = ?, worker_id = ?, lease_expires_at = ?,
				    claim_epoch = claim_epoch + 1, unrunnable_since = null, hand_backs = 0, version = version + 1
				  where id = ? and attempt = ? and (status = 'QUEUED' or (status = 'RUNNING' and lease_expires_at < ?))
				  returning job_id, claim_epoch),
				started as (
				  update wf_job j set status = 'RUNNING', started_at = ?, current_step = ?, version = j.version + 1
				  from claimed where j.id = claimed.job_id and j.status = 'QUEUED')
				select (select count(*) from claimed), (select count(*) from wf_job j join claimed on j.id = claimed.job_id
				  where j.status in ('QUEUED', 'RUNNING')), (select claim_epoch from claimed),
				  set_config('synchronous_commit', 'off', true)""",
				(rows, row) -> new Claimed((rows.getInt(1) == 0) ? Claim.NOT_CLAIMABLE
						: (rows.getInt(2) == 0) ? Claim.JOB_ENDED : Claim.CLAIMED, rows.getInt(3)),
				time(now), workerId, time(leaseUntil), id, attempt, time(now), time(now), step);
	}

	/**
	 * Stores a new job with its first step executions and the outbox rows that dispatch them, in plain JDBC: a job
	 * with one first step in one statement, others in a transaction of their own with one statement per table.
	 * @param job the job
	 * @param steps its first step executions, queued
	 * @param outbox the messages that dispatch them
	 */
	public void insertNewJob(JobEntity job, List<StepExecutionEntity> steps, List<OutboxEntity> outbox) {
		if (steps.size() == 1 && outbox.size() == 1) {
			this.jdbc.update("with job as (" + INSERT_JOB + "), step as (" + INSERT_STEP + ") " + INSERT_OUTBOX,
					values(jobValues(job), stepValues(steps.get(0)), outboxValues(outbox.get(0))));
			return;
		}
		Runnable inserts = () -> {
			this.jdbc.update(INSERT_JOB, jobValues(job));
			insertSteps(steps);
			insertOutbox(outbox);
		};
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			// The caller's transaction (a start in a @Transactional method): the statements join it through the
			// connection it holds. A JdbcTransactionManager does not see a JPA transaction as one, and would commit.
			inserts.run();
		}
		else {
			this.jdbcTransactions.executeWithoutResult((status) -> inserts.run());
		}
	}

	/**
	 * What completing a step found.
	 */
	public enum Completion {

		/** The step execution is completed, and the next step queued or the job completed. */
		DONE,

		/** The step execution was not running (a duplicate delivery completed it, say): nothing changed. */
		NOT_RUNNING,

		/** The job has ended meanwhile: the step execution is marked cancelled and nothing else changed. */
		JOB_ENDED,

		/** The job is the child of another workflow: nothing changed, the caller must end it with its parent. */
		HAS_PARENT

	}

	/**
	 * Completes a running step execution, counts it on its job and queues the next step with the outbox row that
	 * dispatches it, in one statement and a transaction of its own (a plain JDBC one: no persistence context to
	 * open, flush and close).
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
	 * @param nextPool the next step's worker pool, {@code null} for the default pool
	 * @param nextDeadline when the next step execution counts as lost unless a worker has claimed it
	 * @param outbox the message that dispatches the next step
	 * @return what was found
	 */
	public Completion completeAndQueue(UUID execution, int attempt, int epoch, @Nullable String output, Instant now,
			UUID jobId, int percentComplete, UUID nextId, String nextStep, @Nullable String nextInput,
			@Nullable String nextPool, Instant nextDeadline, OutboxEntity outbox) {
		return this.jdbcTransactions.execute((status) -> {
			Completion completion = this.jdbc.queryForObject("with done as (" + COMPLETE_RUNNING + "), " + """
					job as (
					  update wf_job set steps_completed = steps_completed + 1, percent_complete = ?, current_step = ?,
					    version = version + 1
					  where id = ? and exists (select 1 from done) and status not in""" + " " + FINAL_STATUSES + """

					  returning id),
					next as (
					  insert into wf_step_execution (id, job_id, sequence, step_name, attempt, status, input,
					    created_at, lease_expires_at, pool, version)
					  select ?, job.id, done.sequence + 1, ?, 1, 'QUEUED', ?::jsonb, ?, ?, ?, 0 from job, done
					  returning id),
					message as (
					  insert into wf_outbox (id, exchange, routing_key, payload, created_at)
					  select ?, ?, ?, ?, ? from next)
					select (select count(*) from done), (select count(*) from job)""",
					(rows, row) -> (rows.getInt(1) == 0) ? Completion.NOT_RUNNING
							: (rows.getInt(2) == 0) ? Completion.JOB_ENDED : Completion.DONE,
					output, time(now), execution, attempt, epoch, percentComplete, nextStep, jobId, nextId, nextStep,
					nextInput, time(now), time(nextDeadline), nextPool, outbox.getId(), outbox.getExchange(), outbox.getRoutingKey(),
					outbox.getPayload(), time(now));
			if (completion == Completion.JOB_ENDED) {
				cancel(execution);
			}
			return completion;
		});
	}

	/**
	 * Completes a running step execution and, with it, its job, in one statement and a transaction of its own
	 * (a plain JDBC one) — unless the job is a child, whose end concerns its parent too.
	 * @param execution the running step execution
	 * @param attempt its attempt
	 * @param epoch the epoch of the caller's claim
	 * @param output the step's output as JSON
	 * @param now the current time
	 * @param jobId the job
	 * @param jobOutput the job's result as JSON
	 * @return what was found
	 */
	public Completion completeLastStep(UUID execution, int attempt, int epoch, @Nullable String output, Instant now,
			UUID jobId, @Nullable String jobOutput) {
		return this.jdbcTransactions.execute((status) -> {
			Completion completion = this.jdbc.queryForObject("with done as (" + COMPLETE_RUNNING + "), " + """
					job as (
					  update wf_job set status = 'COMPLETED', output = ?::jsonb, finished_at = ?, percent_complete = 100,
					    steps_completed = steps_completed + 1, version = version + 1
					  where id = ? and exists (select 1 from done) and parent_entry_id is null
					    and status not in""" + " " + FINAL_STATUSES + """

					  returning id)
					select (select count(*) from done), (select count(*) from job),
					  (select parent_entry_id is not null from wf_job where id = ?)""",
					(rows, row) -> (rows.getInt(1) == 0) ? Completion.NOT_RUNNING
							: (rows.getInt(2) == 1) ? Completion.DONE
									: rows.getBoolean(3) ? Completion.HAS_PARENT : Completion.JOB_ENDED,
					output, time(now), execution, attempt, epoch, jobOutput, time(now), jobId, jobId);
			if (completion == Completion.HAS_PARENT) {
				status.setRollbackOnly();
			}
			else if (completion == Completion.JOB_ENDED) {
				cancel(execution);
			}
			return completion;
		});
	}

	/** The advisory lock that lets one instance at a time delete expired jobs (the bytes of "wf-retn"). */
	private static final long RETENTION_LOCK = 0x77662d7265746eL;

	/**
	 * Deletes one batch of jobs that ended before a moment, oldest end first, with their step executions (and, through
	 * their foreign key, their kept events), in one statement and a transaction of its own, if no other instance is
	 * deleting jobs at the same time. The batch is read in order from the index on {@code finished_at}, and each job
	 * in it is locked and checked again on its newest version: a job that a retry holds or has reopened (RUNNING
	 * again, {@code finished_at} cleared) is left alone, with all its step executions.
	 * @param endedBefore only jobs that ended before this
	 * @param limit the most jobs to delete
	 * @return how many were deleted, or -1 if another instance holds the retention lock
	 */
	public int deleteEndedJobs(Instant endedBefore, int limit) {
		Integer deleted = this.jdbcTransactions.execute((status) -> {
			if (!Boolean.TRUE.equals(this.jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class,
					RETENTION_LOCK))) {
				return -1;
			}
			return this.jdbc.queryForObject("""
					with expired as (
					  select id from wf_job
					  where finished_at is not null and finished_at < ? and status in""" + " " + FINAL_STATUSES + """

					  order by finished_at limit ?
					  for update skip locked),
					jobs as (delete from wf_job where id in (select id from expired) returning id),
					steps as (delete from wf_step_execution where job_id in (select id from jobs))
					select count(*) from jobs""", Integer.class, time(endedBefore), limit);
		});
		return (deleted != null) ? deleted : 0;
	}

	/**
	 * Runs work in a plain JDBC transaction of its own (no persistence context), for the store's plain SQL methods.
	 * @param <T> the result type
	 * @param work the work
	 * @return its result
	 */
	public <T> @Nullable T inJdbcTransaction(TransactionCallback<T> work) {
		return this.jdbcTransactions.execute(work);
	}

	/**
	 * The columns of a job that a replay needs, read with its row locked.
	 *
	 * @param status the job's status
	 * @param input its input as JSON
	 * @param stepContext its step context as JSON
	 * @param userContext its user context as JSON
	 * @param child whether it is the child of another job
	 * @param traceContext the trace context of its start as JSON, if it has one
	 */
	public record LockedJob(JobStatus status, @Nullable String input, @Nullable String stepContext,
			@Nullable String userContext, boolean child, @Nullable String traceContext) {
	}

	/**
	 * Reads a job and locks its row until the transaction ends, in plain SQL.
	 * @param jobId the job
	 * @return what a replay needs of it, or {@code null}
	 */
	public @Nullable LockedJob lockJobRow(UUID jobId) {
		List<LockedJob> found = this.jdbc.query(
				"select status, input, step_context, user_context, parent_entry_id, trace_context from wf_job "
						+ "where id = ? for update",
				(rows, row) -> new LockedJob(JobStatus.valueOf(rows.getString(1)), rows.getString(2),
						rows.getString(3), rows.getString(4), rows.getObject(5) != null, rows.getString(6)),
				jobId);
		return found.isEmpty() ? null : found.get(0);
	}

	/**
	 * Returns the entries of a job's history from a position on, in sequence, in plain SQL: entities that no
	 * persistence context manages.
	 * @param jobId the job
	 * @param fromSequence the first position to return
	 * @return the entries, every attempt
	 */
	public List<StepExecutionEntity> historyRows(UUID jobId, int fromSequence) {
		return this.jdbc.query("""
				select id, sequence, step_name, attempt, status, input, output, created_at, started_at, finished_at,
				  due_at
				from wf_step_execution where job_id = ? and sequence >= ? order by sequence, attempt""",
				(rows, row) -> {
					StepExecutionEntity entry = new StepExecutionEntity(rows.getObject(1, UUID.class), jobId,
							rows.getInt(2), rows.getString(3), rows.getInt(4), rows.getString(6),
							instant(rows.getObject(8, OffsetDateTime.class)),
							instant(rows.getObject(11, OffsetDateTime.class)));
					entry.setStatus(StepStatus.valueOf(rows.getString(5)));
					entry.setOutput(rows.getString(7));
					entry.setStartedAt(instant(rows.getObject(9, OffsetDateTime.class)));
					entry.setFinishedAt(instant(rows.getObject(10, OffsetDateTime.class)));
					return entry;
				}, jobId, fromSequence);
	}

	/**
	 * Counts a completed step on its job and queues the steps its workflow decided on, in plain SQL: one statement for
	 * a single step, else one update and one batch per table.
	 * @param jobId the job
	 * @param percentComplete the job's progress
	 * @param currentStep the job's current step from now on, or {@code null} to keep it
	 * @param steps the step executions to queue
	 * @param outbox the messages that dispatch them
	 */
	public void countAndQueue(UUID jobId, int percentComplete, @Nullable String currentStep,
			List<StepExecutionEntity> steps, List<OutboxEntity> outbox) {
		if (steps.size() == 1 && outbox.size() == 1) {
			this.jdbc.update("with job as (" + COUNT_STEP + "), step as (" + INSERT_STEP + ") " + INSERT_OUTBOX,
					values(new Object[] { percentComplete, currentStep, jobId }, stepValues(steps.get(0)),
							outboxValues(outbox.get(0))));
			return;
		}
		this.jdbc.update(COUNT_STEP, percentComplete, currentStep, jobId);
		insertSteps(steps);
		insertOutbox(outbox);
	}

	/**
	 * Counts a completed step on its job and completes the job, in plain SQL.
	 * @param jobId the job
	 * @param output the job's result as JSON
	 * @param now the current time
	 */
	public void countAndComplete(UUID jobId, @Nullable String output, Instant now) {
		this.jdbc.update("""
				update wf_job set steps_completed = steps_completed + 1, percent_complete = 100, status = 'COMPLETED',
				  output = ?::jsonb, finished_at = ?, version = version + 1
				where id = ?""", output, time(now), jobId);
	}

	private void insertSteps(List<StepExecutionEntity> steps) {
		if (steps.isEmpty()) {
			return;
		}
		this.jdbc.batchUpdate(INSERT_STEP, steps.stream().map(JobStore::stepValues).toList());
	}

	private void insertOutbox(List<OutboxEntity> outbox) {
		if (outbox.isEmpty()) {
			return;
		}
		this.jdbc.batchUpdate(INSERT_OUTBOX, outbox.stream().map(JobStore::outboxValues).toList());
	}

	private static Object[] jobValues(JobEntity job) {
		return new Object[] { job.getId(), job.getWorkflowName(), job.getStatus().name(), job.getInput(),
				job.getUserContext(), job.getStepContext(), job.getCurrentStep(), job.getStepCount(),
				job.getPercentComplete(), job.getIdempotencyKey(), time(job.getCreatedAt()), job.getTraceContext(),
				job.getDefinitionVersion() };
	}

	private static Object[] stepValues(StepExecutionEntity step) {
		return new Object[] { step.getId(), step.getJobId(), step.getSequence(), step.getStepName(), step.getAttempt(),
				step.getStatus().name(), step.getInput(), time(step.getCreatedAt()),
				(step.getLeaseExpiresAt() != null) ? time(step.getLeaseExpiresAt()) : null, step.getPool() };
	}

	private static Object[] outboxValues(OutboxEntity row) {
		return new Object[] { row.getId(), row.getExchange(), row.getRoutingKey(), row.getPayload(),
				time(row.getCreatedAt()) };
	}

	private static Object[] values(Object[]... groups) {
		return java.util.Arrays.stream(groups).flatMap(java.util.Arrays::stream).toArray();
	}

	private static @Nullable Instant instant(@Nullable OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

	/**
	 * Marks a running step execution completed, in plain SQL.
	 * @param execution the step execution
	 * @param attempt its attempt
	 * @param epoch the epoch of the caller's claim
	 * @param output its output as JSON
	 * @param now the current time
	 * @return its sequence, or {@code null} if it was not running under that claim
	 */
	public @Nullable Integer completeRunning(UUID execution, int attempt, int epoch, @Nullable String output,
			Instant now) {
		List<Integer> sequence = this.jdbc.queryForList(COMPLETE_RUNNING, Integer.class, output, time(now), execution,
				attempt, epoch);
		return sequence.isEmpty() ? null : sequence.get(0);
	}

	private void cancel(UUID execution) {
		this.jdbc.update("update wf_step_execution set status = 'CANCELLED', output = null where id = ?", execution);
	}

	/**
	 * Deletes published outbox rows, in one statement.
	 * @param ids the rows
	 */
	public void deleteOutbox(Collection<UUID> ids) {
		if (!ids.isEmpty()) {
			this.jdbc.update("delete from wf_outbox where id = any(?)", (Object) ids.toArray(UUID[]::new));
		}
	}

	private static OffsetDateTime time(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

}

package dev.workflow.store;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.StepStatus;
import jakarta.persistence.EntityManager;
import org.hibernate.Session;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads and writes the rows of {@code wf_step_execution}: history reads, claims by workers and by the background
 * work, leases and hand-backs. Every method runs in the caller's transaction, or, outside one, commits on its own.
 * <p>
 * History reads, lookups and the background work's claims go through Spring Data JPA; a worker's claim, the renewal
 * of its leases, hand-backs and the replay's history read are plain SQL, the hot path. {@link StepCompletions}
 * completes step executions.
 */
public final class StepExecutions {

	/**
	 * The columns {@link #INSERT} and a completion's insert of the next step write: a step execution is inserted
	 * queued (or scheduled), or running under the first claim of the worker that continues its job in-process.
	 */
	static final String COLUMNS = "id, job_id, sequence, step_name, attempt, status, input, created_at, "
			+ "lease_expires_at, pool, worker_id, started_at, claim_epoch, version";

	/**
	 * The claim epoch of a step execution a worker claims when it creates it, to run it in-process: that of a first
	 * claim.
	 */
	public static final int FIRST_CLAIM_EPOCH = 1;

	/** Inserts a step execution; parameters: those of {@link #values}. */
	static final String INSERT = "insert into wf_step_execution (" + COLUMNS + ") "
			+ "values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, 0)";

	/**
	 * The due time of a step held because its workflow is paused: later than any real due time, so that the
	 * background work never finds it due until a resume makes it due now.
	 */
	static final String HELD_DUE_AT = "timestamptz '9999-12-31 00:00:00+00'";

	/**
	 * Claims a step execution and, if its job is queued, marks the job running; or, if its workflow is paused and its
	 * job has not ended, holds it (SCHEDULED, due at {@link #HELD_DUE_AT}, no lease, its rate-limit slot given up).
	 * The claim reads the pause row {@code for share}, so that a resume (which deletes it) waits for the claims under
	 * way and then releases the steps they held. Parameters: workflow, started at, worker, lease expiry, id, attempt,
	 * now, id, attempt, now, started at, step.
	 */
	private static final String CLAIM = """
			with paused as (
			  select exists (select 1 from wf_workflow_pause where workflow_name = ? for share) as paused),
			claimed as (
			  update wf_step_execution set status = 'RUNNING', started_at = ?, worker_id = ?, lease_expires_at = ?,
			    claim_epoch = claim_epoch + 1, unrunnable_since = null, hand_backs = 0, rate_bucket = null,
			    rate_waits = 0, rate_reserved = false, version = version + 1
			  where id = ? and attempt = ? and (status = 'QUEUED' or (status = 'RUNNING' and lease_expires_at < ?))
			    and (not (select paused from paused) or not exists (select 1 from wf_job j
			      where j.id = wf_step_execution.job_id and j.finished_at is null))
			  returning job_id, claim_epoch),
			held as (
			  update wf_step_execution set status = 'SCHEDULED', due_at = %s, lease_expires_at = null,
			    unrunnable_since = null, hand_backs = 0, rate_bucket = null, rate_waits = 0, rate_reserved = false,
			    version = version + 1
			  where id = ? and attempt = ? and (status = 'QUEUED' or (status = 'RUNNING' and lease_expires_at < ?))
			    and (select paused from paused) and exists (select 1 from wf_job j
			      where j.id = wf_step_execution.job_id and j.finished_at is null)
			  returning id),
			started as (
			  update wf_job j set status = 'RUNNING', started_at = ?, current_step = ?, version = j.version + 1
			  from claimed where j.id = claimed.job_id and j.status = 'QUEUED')
			select (select count(*) from claimed), (select count(*) from wf_job j join claimed on j.id = claimed.job_id
			  where j.status in ('QUEUED', 'RUNNING')), (select claim_epoch from claimed), (select count(*) from held),
			  set_config('synchronous_commit', 'off', true)""".formatted(HELD_DUE_AT);

	/** Extends leases still held; parameters: new expiry, ids, epochs. */
	private static final String RENEW_LEASES = """
			update wf_step_execution s set lease_expires_at = ?
			from unnest(?::uuid[], ?::int[]) as held (id, epoch)
			where s.id = held.id and s.claim_epoch = held.epoch and s.status = 'RUNNING'""";

	/** Hands a running step execution back to the queue; parameters: claim deadline, id, attempt, epoch. */
	private static final String RELEASE = """
			update wf_step_execution set status = 'QUEUED', lease_expires_at = ?, version = version + 1
			where id = ? and attempt = ? and claim_epoch = ? and status = 'RUNNING'""";

	/**
	 * What a hand-back sets: a deadline after a back-off that doubles with each hand-back since the last claim (the
	 * lease sweep dispatches the step again then), and since when it waits for an instance able to run it; parameters:
	 * now, initial back-off, longest back-off (both in milliseconds), now.
	 */
	private static final String HAND_BACK_SET = """
			lease_expires_at = ?::timestamptz + least(? * power(2, least(hand_backs, 30)), ?) * interval '1 millisecond',
			unrunnable_since = coalesce(unrunnable_since, ?), hand_backs = hand_backs + 1, version = version + 1
			""";

	/** Hands a queued step execution back; parameters: those of {@link #HAND_BACK_SET}, id, attempt, waiting since. */
	private static final String HAND_BACK = "update wf_step_execution set " + HAND_BACK_SET + """
			where id = ? and attempt = ? and status = 'QUEUED' and (unrunnable_since is null or unrunnable_since >= ?)
			returning hand_backs""";

	/** Releases and hands back a claim; parameters: those of {@link #HAND_BACK_SET}, id, attempt, epoch. */
	private static final String RELEASE_AND_HAND_BACK = "update wf_step_execution set status = 'QUEUED', "
			+ HAND_BACK_SET + """
			where id = ? and attempt = ? and claim_epoch = ? and status = 'RUNNING'""";

	/** Reads a job's history from a position on; parameters: job id, first position. */
	private static final String HISTORY_ROWS = """
			select id, sequence, step_name, attempt, status, input, output, created_at, started_at, finished_at, due_at
			from wf_step_execution where job_id = ? and sequence >= ? order by sequence, attempt""";

	private final EntityManager entityManager;

	private final StepExecutionEntityRepository executions;

	private final JdbcTemplate jdbc;

	/**
	 * Creates the rows' repository.
	 * @param entityManager the shared entity manager
	 * @param jdbc the statements, on the data source of the entity manager's persistence unit
	 */
	public StepExecutions(EntityManager entityManager, JdbcTemplate jdbc) {
		this.entityManager = entityManager;
		this.executions = JpaRepositories.create(entityManager, StepExecutionEntityRepository.class);
		this.jdbc = jdbc;
	}

	/**
	 * Reads a step execution, to change it: also one that a history read of this transaction holds read-only.
	 * @param id the step execution
	 * @return it, or {@code null}
	 */
	public @Nullable StepExecutionEntity find(UUID id) {
		StepExecutionEntity execution = this.executions.findById(id).orElse(null);
		if (execution != null) {
			Session session = this.entityManager.unwrap(Session.class);
			if (session.isReadOnly(execution)) {
				session.setReadOnly(execution, false);
			}
		}
		return execution;
	}

	/**
	 * Returns the entries of a job's history from a position on, in sequence. They are read-only (a replay only reads
	 * them, and the transaction's flush then has nothing to compare); {@link #find} makes one writable.
	 * @param jobId the job
	 * @param fromSequence the first position to return
	 * @return the entries, every attempt
	 */
	public List<StepExecutionEntity> history(UUID jobId, int fromSequence) {
		return this.executions.readHistory(jobId, fromSequence);
	}

	/**
	 * Returns the entries of a job's history from a position on, in sequence, in plain SQL: entities that no
	 * persistence context manages, with the columns a replay reads.
	 * @param jobId the job
	 * @param fromSequence the first position to return
	 * @return the entries, every attempt
	 */
	public List<StepExecutionEntity> historyRows(UUID jobId, int fromSequence) {
		return this.jdbc.query(HISTORY_ROWS, (rows, row) -> {
			StepExecutionEntity entry = new StepExecutionEntity(rows.getObject(1, UUID.class), jobId, rows.getInt(2),
					rows.getString(3), rows.getInt(4), rows.getString(6),
					Sql.instant(rows.getObject(8, OffsetDateTime.class)),
					Sql.instant(rows.getObject(11, OffsetDateTime.class)));
			entry.setStatus(StepStatus.valueOf(rows.getString(5)));
			entry.setOutput(rows.getString(7));
			entry.setStartedAt(Sql.instant(rows.getObject(9, OffsetDateTime.class)));
			entry.setFinishedAt(Sql.instant(rows.getObject(10, OffsetDateTime.class)));
			return entry;
		}, jobId, fromSequence);
	}

	/**
	 * Returns the entries of a job's history that wait for a child job.
	 * @param jobId the job
	 * @param childEntry the name of the entries that wait for a child job
	 * @return the entries, in sequence
	 */
	public List<StepExecutionEntity> openChildEntries(UUID jobId, String childEntry) {
		return this.executions.findByJobIdAndStepNameAndStatusOrderBySequence(jobId, childEntry, StepStatus.SCHEDULED);
	}

	/**
	 * Finds the entry of a job's history that waits for an event of a name, and locks it.
	 * @param jobId the job
	 * @param step the built-in step of event waits
	 * @param name the event's name
	 * @return the waiting entry, or {@code null}
	 */
	public @Nullable StepExecutionEntity claimEventWait(UUID jobId, String step, String name) {
		return this.executions.claimEventWait(jobId, step, name).orElse(null);
	}

	/**
	 * Stores a new step execution through JPA, in the caller's transaction.
	 * @param execution the step execution
	 */
	public void persist(StepExecutionEntity execution) {
		this.entityManager.persist(execution);
	}

	/**
	 * Lets the current transaction send its inserts and updates of one table in JDBC batches: for decisions that
	 * write many rows at once, such as a fan-out of parallel steps.
	 * @param size the most statements in one batch
	 */
	public void batchWrites(int size) {
		this.entityManager.unwrap(Session.class).setJdbcBatchSize(size);
	}

	/**
	 * Claims retries whose time has come, skipping those another instance holds.
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the claimed step executions, locked until the transaction ends
	 */
	public List<StepExecutionEntity> claimDueRetries(Instant now, int limit) {
		return this.executions.claimDueRetries(now, limit);
	}

	/**
	 * Claims the step executions whose deadline has passed: running ones whose worker has stopped renewing their
	 * lease, and queued ones that no worker has claimed in time (their message is taken as lost).
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the claimed step executions, locked until the transaction ends
	 */
	public List<StepExecutionEntity> claimExpiredLeases(Instant now, int limit) {
		return this.executions.claimExpiredLeases(now, limit);
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
	public int cancelPending(UUID jobId, Instant now, String childEntry) {
		return this.executions.cancelPending(jobId, now, childEntry);
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
		JOB_ENDED,

		/** The step's workflow is paused: the step execution is held until the workflow resumes. */
		HELD

	}

	/**
	 * Makes a step execution that a worker was about to claim wait for its slot under a rate limit (see
	 * {@link RateLimits}): SCHEDULED, due then, with no lease, the buckets of its slots recorded.
	 * @param id the step execution
	 * @param attempt the attempt the message is for
	 * @param reservation the slots it holds and how long until the latest
	 * @param now the time
	 * @return whether it waits now; {@code false} if it was not queued (it ended, or runs elsewhere)
	 */
	public boolean postpone(UUID id, int attempt, RateLimits.Reservation reservation, Instant now) {
		return this.jdbc.update("update wf_step_execution set status = 'SCHEDULED', due_at = ?, lease_expires_at = "
				+ "null, rate_bucket = ?, rate_waits = ?, rate_reserved = false, version = version + 1 where id = ? "
				+ "and attempt = ? and (status = 'QUEUED' or (status = 'RUNNING' and lease_expires_at < ?))",
				Sql.time(now.plus(reservation.delay())), String.join("\n", reservation.buckets()),
				reservation.waits(), id, attempt, Sql.time(now)) == 1;
	}

	/**
	 * A worker's claim of a step execution, as it asks for it.
	 *
	 * @param id the step execution
	 * @param attempt the attempt the message is for
	 * @param workflow the workflow of the step's job
	 * @param step the step's name, the job's current step from now on
	 * @param workerId the worker
	 * @param now the current time
	 * @param leaseUntil when the lease lapses unless renewed
	 */
	public record ClaimRequest(UUID id, int attempt, String workflow, String step, String workerId, Instant now,
			Instant leaseUntil) {
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
	 * A claim a worker holds: the statements that end its attempt change the step execution only while it is the
	 * latest.
	 *
	 * @param id the step execution
	 * @param attempt its attempt
	 * @param epoch the epoch of the claim
	 */
	public record HeldClaim(UUID id, int attempt, int epoch) {
	}

	/**
	 * Claims a queued step execution (or one whose lease has lapsed) for a worker and, if the job is still queued,
	 * marks it running, in one statement. A running job's row is left alone: its current step was set when the step
	 * was queued. Each claim takes the next claim epoch of the execution.
	 * <p>
	 * The claim commits without waiting for its WAL to reach the disk ({@code synchronous_commit} off for this
	 * transaction only): a claim lost in a database crash leaves the step queued, and the broker's redelivery claims
	 * it again, so the step's path waits for one disk flush, that of its completion, which also flushes the claim.
	 * @param request the claim
	 * @return what the claim found
	 */
	public Claimed claim(ClaimRequest request) {
		OffsetDateTime now = Sql.time(request.now());
		return this.jdbc.queryForObject(CLAIM,
				(rows, row) -> new Claimed((rows.getInt(4) > 0) ? Claim.HELD : (rows.getInt(1) == 0)
						? Claim.NOT_CLAIMABLE : (rows.getInt(2) == 0) ? Claim.JOB_ENDED : Claim.CLAIMED, rows.getInt(3)),
				request.workflow(), now, request.workerId(), Sql.time(request.leaseUntil()), request.id(),
				request.attempt(), now, request.id(), request.attempt(), now, now, request.step());
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
		return this.jdbc.update(RENEW_LEASES, Sql.time(until), ids, epochs);
	}

	/**
	 * Hands a running step execution back to the queue, if the caller's claim is still the latest: its worker shuts
	 * down, and the message goes back to the broker for another worker, with no lease to wait for.
	 * @param claim the claim the worker holds
	 * @param claimDeadline when it counts as lost unless a worker has claimed it
	 * @return whether it was handed back
	 */
	public boolean release(HeldClaim claim, Instant claimDeadline) {
		return this.jdbc.update(RELEASE, Sql.time(claimDeadline), claim.id(), claim.attempt(), claim.epoch()) == 1;
	}

	/**
	 * How long a step execution handed back waits before the lease sweep dispatches it again.
	 *
	 * @param now the current time
	 * @param initial the back-off of the first hand-back, doubled with each further one
	 * @param max the longest back-off
	 */
	public record Backoff(Instant now, Duration initial, Duration max) {

		private Object[] values() {
			return new Object[] { Sql.time(this.now), (double) this.initial.toMillis(), (double) this.max.toMillis(),
					Sql.time(this.now) };
		}

	}

	/**
	 * Hands a queued step execution that this instance has no code for back to the queue, in one statement: it gets a
	 * deadline after the back-off, which {@link #claimExpiredLeases} then finds, and remembers since when it waits
	 * for an instance able to run it. Nothing changes if it is no longer queued under that attempt, or if it has
	 * waited since before the given moment (it is to fail instead).
	 * @param id the step execution
	 * @param attempt the attempt the message is for
	 * @param backoff the back-off
	 * @param waitingSince only if it has waited for a capable instance since this moment, or not at all
	 * @return the hand-backs so far, this one included, or 0 if nothing changed
	 */
	public int handBack(UUID id, int attempt, Backoff backoff, Instant waitingSince) {
		List<Integer> handBacks = this.jdbc.queryForList(HAND_BACK, Integer.class,
				Sql.values(backoff.values(), new Object[] { id, attempt, Sql.time(waitingSince) }));
		return handBacks.isEmpty() ? 0 : handBacks.get(0);
	}

	/**
	 * Hands a step execution that this instance has run but cannot record the outcome of back to the queue, in one
	 * statement: its claim is released, and it gets the back-off and the mark of {@link #handBack}.
	 * @param claim the claim this instance holds
	 * @param backoff the back-off
	 * @return whether it was handed back: {@code false} if the claim was lost meanwhile
	 */
	public boolean releaseAndHandBack(HeldClaim claim, Backoff backoff) {
		return this.jdbc.update(RELEASE_AND_HAND_BACK,
				Sql.values(backoff.values(), new Object[] { claim.id(), claim.attempt(), claim.epoch() })) == 1;
	}

	/**
	 * Inserts step executions in one batch, in the caller's transaction.
	 * @param jdbc the statements
	 * @param steps the step executions
	 */
	static void insert(JdbcTemplate jdbc, List<StepExecutionEntity> steps) {
		if (!steps.isEmpty()) {
			jdbc.batchUpdate(INSERT, steps.stream().map(StepExecutions::values).toList());
		}
	}

	/**
	 * Returns the parameters of {@link #INSERT} for a step execution.
	 * @param step the step execution
	 * @return the parameters
	 */
	static Object[] values(StepExecutionEntity step) {
		return new Object[] { step.getId(), step.getJobId(), step.getSequence(), step.getStepName(), step.getAttempt(),
				step.getStatus().name(), step.getInput(), Sql.time(step.getCreatedAt()),
				Sql.timeOrNull(step.getLeaseExpiresAt()), step.getPool(),
				step.getWorkerId(), Sql.timeOrNull(step.getStartedAt()),
				step.getClaimEpoch() };
	}

}

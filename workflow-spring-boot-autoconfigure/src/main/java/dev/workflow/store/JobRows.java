package dev.workflow.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.JobStatus;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads and writes the rows of {@code wf_job}. Every method runs in the caller's transaction, or, outside one,
 * commits on its own.
 * <p>
 * Lookups go through Spring Data JPA, and locks and inserts of entities through the entity manager; the start of a
 * job, its replay's read and the count of its completed steps are plain SQL, the hot path.
 */
public final class JobRows {

	/** Inserts a job; parameters: those of {@link #values}. */
	static final String INSERT = """
			insert into wf_job (id, workflow_name, status, input, user_context, step_context, current_step, step_count,
			  percent_complete, idempotency_key, created_at, trace_context, definition_version, deadline_at, version)
			values (?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, 0)""";

	/**
	 * Stores a debounced start: a new waiting job for its key, or the latest input and contexts, and a later
	 * not-before, on the job of the key that waits; parameters: those of {@link #values}, concurrency key, priority,
	 * debounce key, not before. Answers the job's id, and whether it is new.
	 */
	private static final String DEBOUNCE = """
			insert into wf_job (id, workflow_name, status, input, user_context, step_context, current_step, step_count,
			  percent_complete, idempotency_key, created_at, trace_context, definition_version, deadline_at,
			  concurrency_key, priority, debounce_key, not_before, version)
			values (?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, 0)
			on conflict (workflow_name, debounce_key) where debounce_key is not null
			do update set input = excluded.input, user_context = excluded.user_context,
			  step_context = excluded.step_context, not_before = greatest(wf_job.not_before, excluded.not_before),
			  version = wf_job.version + 1
			  where wf_job.status = 'WAITING'
			returning id, (xmax = 0)""";

	/**
	 * Counts a completed step on its job; parameters: progress, current step (or null to keep it), job id. A statement
	 * that completes the step too adds its conditions.
	 */
	static final String COUNT_STEP = """
			update wf_job set steps_completed = steps_completed + 1, percent_complete = ?,
			  current_step = coalesce(?, current_step), version = version + 1
			where id = ?""";

	/**
	 * Counts a completed step on its job and completes the job; parameters: output, finished at, job id. A statement
	 * that completes the step too adds its conditions.
	 */
	static final String COUNT_AND_COMPLETE = """
			update wf_job set steps_completed = steps_completed + 1, percent_complete = 100, status = 'COMPLETED',
			  output = ?::jsonb, finished_at = ?, version = version + 1
			where id = ?""";

	/**
	 * Claims jobs past their deadline that have not ended, the earliest first, skipping those another transaction
	 * holds; parameters: now, most jobs.
	 */
	private static final String CLAIM_PAST_DEADLINE = """
			select id from wf_job where deadline_at <= ? and finished_at is null
			order by deadline_at limit ? for update skip locked""";

	/** Reads what a replay needs of a job and locks its row; parameter: job id. */
	private static final String LOCK_FOR_REPLAY = """
			select status, input, step_context, user_context, parent_entry_id, trace_context from wf_job
			where id = ? for update""";

	private final EntityManager entityManager;

	private final JobEntityRepository jobs;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final GroupCommits commits;

	/**
	 * Creates the rows' repository.
	 * @param entityManager the shared entity manager
	 * @param jdbc the statements, on the data source of the entity manager's persistence unit
	 * @param transactions the application's transactions, for the statements that need one
	 * @param commits the commits that a start shares with others at the same moment
	 */
	public JobRows(EntityManager entityManager, JdbcTemplate jdbc, TransactionTemplate transactions,
			GroupCommits commits) {
		this.entityManager = entityManager;
		this.jobs = JpaRepositories.create(entityManager, JobEntityRepository.class);
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.commits = commits;
	}

	/**
	 * Asks the database whether it answers.
	 * @throws org.springframework.dao.DataAccessException if it does not
	 */
	public void ping() {
		this.jdbc.queryForObject("select 1", Integer.class);
	}

	/**
	 * Reads a job.
	 * @param id the job
	 * @return the job, or {@code null}
	 */
	public @Nullable JobEntity find(UUID id) {
		return this.jobs.findById(id).orElse(null);
	}

	/**
	 * Finds the job that a start of a workflow with an idempotency key created: keys are unique per workflow.
	 * @param workflowName the workflow
	 * @param key the idempotency key
	 * @return the job, or {@code null}
	 */
	public @Nullable JobEntity findByIdempotencyKey(String workflowName, String key) {
		return this.jobs.findByWorkflowNameAndIdempotencyKey(workflowName, key).orElse(null);
	}

	/**
	 * Returns the ids of the child jobs an entry of a job's history started: at most one.
	 * @param parentEntryId the entry that waits for the child
	 * @return the child jobs
	 */
	public List<UUID> childJobIds(UUID parentEntryId) {
		return this.jobs.findIdsByParentEntryId(parentEntryId);
	}

	/**
	 * Reads a job and locks its row until the transaction ends.
	 * @param id the job
	 * @return the job, or {@code null}
	 */
	public @Nullable JobEntity lock(UUID id) {
		return this.entityManager.find(JobEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
	}

	/**
	 * Reads a job and locks its row until the transaction ends, unless another transaction holds the row: for a
	 * transaction that holds the rows of the job's ancestors, which a transaction that ends this job then waits for.
	 * @param id the job
	 * @return the job, or {@code null} if another transaction holds its row (or there is no such job)
	 */
	public @Nullable JobEntity lockUnlessBusy(UUID id) {
		return this.jobs.lockIdUnlessBusy(id).isEmpty() ? null : lock(id);
	}

	/**
	 * Stores a new job through JPA, in the caller's transaction: a start whose first decision needs more than plain
	 * steps queued (see {@link #insert} for the others).
	 * @param job the job
	 */
	public void persist(JobEntity job) {
		this.entityManager.persist(job);
	}

	/**
	 * A new job with its first step executions and the outbox rows that dispatch them.
	 *
	 * @param job the job
	 * @param steps its first step executions, queued
	 * @param outbox the messages that dispatch them
	 */
	public record NewJob(JobEntity job, List<StepExecutionEntity> steps, List<OutboxEntity> outbox) {
	}

	/**
	 * Stores a new job with its first step executions and the outbox rows that dispatch them, in plain SQL: a job
	 * with one first step in one statement (which, outside a transaction, starts on other threads at the same moment
	 * may share a commit with), others in a transaction (the caller's, or else one of their own) with one statement
	 * per table.
	 * @param start the job and its first steps
	 */
	public void insert(NewJob start) {
		if (start.steps().size() == 1 && start.outbox().size() == 1) {
			// Starts on other threads at the same moment may share its commit.
			this.commits.executeStatement(start.job().getId(), () -> this.jdbc.update("with job as (" + INSERT
					+ "), step as (" + StepExecutions.INSERT + ") " + OutboxRows.INSERT,
					Sql.values(values(start.job()), StepExecutions.values(start.steps().get(0)),
							OutboxRows.values(start.outbox().get(0)))));
			return;
		}
		// In the caller's transaction if there is one (a start in a @Transactional method), else in one of its own.
		this.transactions.executeWithoutResult((status) -> {
			this.jdbc.update(INSERT, values(start.job()));
			StepExecutions.insert(this.jdbc, start.steps());
			OutboxRows.insert(this.jdbc, start.outbox());
		});
	}

	/**
	 * Stores new jobs with their first step executions and the outbox rows that dispatch them, in plain SQL, in the
	 * caller's transaction: one batch per table, sent together.
	 * @param starts the jobs and their first steps
	 */
	public void insertAll(List<NewJob> starts) {
		if (starts.isEmpty()) {
			return;
		}
		this.jdbc.batchUpdate(INSERT, starts.stream().map((start) -> values(start.job())).toList());
		StepExecutions.insert(this.jdbc, starts.stream().flatMap((start) -> start.steps().stream()).toList());
		OutboxRows.insert(this.jdbc, starts.stream().flatMap((start) -> start.outbox().stream()).toList());
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
	 * Reads a job and locks its row until the transaction ends, in plain SQL: no entity to manage.
	 * @param id the job
	 * @return what a replay needs of it, or {@code null}
	 */
	public @Nullable LockedJob lockForReplay(UUID id) {
		List<LockedJob> found = this.jdbc.query(LOCK_FOR_REPLAY,
				(rows, row) -> new LockedJob(JobStatus.valueOf(rows.getString(1)), rows.getString(2),
						rows.getString(3), rows.getString(4), rows.getObject(5) != null, rows.getString(6)),
				id);
		return found.isEmpty() ? null : found.get(0);
	}

	/**
	 * Claims jobs past their deadline that have not ended, in the caller's transaction, their rows locked until it
	 * ends; jobs another transaction holds are left for a later claim.
	 * @param now the time
	 * @param limit most jobs
	 * @return the jobs' ids, the earliest deadline first
	 */
	public List<UUID> claimPastDeadline(Instant now, int limit) {
		return this.jdbc.queryForList(CLAIM_PAST_DEADLINE, UUID.class, Sql.time(now), limit);
	}

	/**
	 * Counts a completed step on its job, in plain SQL.
	 * @param id the job
	 * @param percentComplete the job's progress
	 * @param currentStep the job's current step from now on, or {@code null} to keep it
	 */
	public void countStep(UUID id, int percentComplete, @Nullable String currentStep) {
		this.jdbc.update(COUNT_STEP, percentComplete, currentStep, id);
	}

	/**
	 * Counts a completed step on its job and completes the job, in plain SQL.
	 * @param id the job
	 * @param output the job's result as JSON
	 * @param now the current time
	 */
	public void countAndComplete(UUID id, @Nullable String output, Instant now) {
		this.jdbc.update(COUNT_AND_COMPLETE, output, Sql.time(now), id);
	}

	/**
	 * Returns the parameters of {@link #INSERT} for a job.
	 * @param job the job
	 * @return the parameters
	 */
	/**
	 * Stores a debounced start, in the caller's transaction: a new job that waits until the window passes, or, if a
	 * job of the same workflow and key waits already, that job with this start's input and contexts and a window
	 * from now.
	 * @param job the new job, WAITING, if none waits for the key
	 * @param key the debounce key
	 * @param notBefore when the window passes
	 * @return the id of the job, and whether it is new
	 */
	public Debounced debounce(JobEntity job, String key, Instant notBefore) {
		List<Debounced> stored = this.jdbc.query(DEBOUNCE, (rows, row) -> new Debounced(rows.getObject(1, UUID.class),
				rows.getBoolean(2)), Sql.values(values(job), new Object[] { job.getConcurrencyKey(), job.getPriority(),
						key, Sql.time(notBefore) }));
		if (stored.isEmpty()) {
			// Every way out of WAITING clears the key (see JobEntity#endDebounce): a job that holds it waits.
			throw new IllegalStateException("The job that holds debounce key '" + key + "' of workflow '"
					+ job.getWorkflowName() + "' does not wait");
		}
		return stored.get(0);
	}

	/**
	 * The job of a debounced start.
	 *
	 * @param id the job's id
	 * @param created whether the start made it
	 */
	public record Debounced(UUID id, boolean created) {
	}

	static Object[] values(JobEntity job) {
		return new Object[] { job.getId(), job.getWorkflowName(), job.getStatus().name(), job.getInput(),
				job.getUserContext(), job.getStepContext(), job.getCurrentStep(), job.getStepCount(),
				job.getPercentComplete(), job.getIdempotencyKey(), Sql.time(job.getCreatedAt()), job.getTraceContext(),
				job.getDefinitionVersion(), Sql.timeOrNull(job.getDeadlineAt()) };
	}

}

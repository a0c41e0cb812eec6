package dev.workflow.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.StepStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Completes step executions and records what follows on their job, in plain SQL: the hot path, as few statements as
 * each transition takes. One statement completes a pipeline's step and queues the next (or completes the job); a
 * workflow method's step is completed, and its job counted and queued, with a handful.
 * <p>
 * The statements combine those of {@link StepExecutions}, {@link JobRows} and {@link OutboxRows}, whose tables they
 * write.
 */
public final class StepCompletions {

	/**
	 * Marks a running step execution completed, if its latest claim is the caller's, without returning anything;
	 * parameters: output, finished at, id, attempt, claim epoch.
	 */
	private static final String COMPLETE_IF_CLAIMED = """
			update wf_step_execution set status = 'COMPLETED', output = ?::jsonb, finished_at = ?,
			  lease_expires_at = null, version = version + 1
			where id = ? and attempt = ? and status = 'RUNNING' and claim_epoch = ?""";

	/** What a statement that completes a step returns: the step's sequence. */
	private static final String RETURNING_SEQUENCE = " returning sequence";

	/**
	 * Marks a running step execution completed, if its latest claim is the caller's; parameters: output, finished at,
	 * id, attempt, claim epoch.
	 */
	private static final String COMPLETE_RUNNING = COMPLETE_IF_CLAIMED + RETURNING_SEQUENCE;

	/** The condition a statement that completes a step adds to its job's update: the step was completed. */
	private static final String IF_DONE = " and exists (select 1 from done)";

	/**
	 * Completes a step, counts it on its job and inserts the next step execution, queued or claimed by the worker;
	 * parameters: those of {@link #COMPLETE_RUNNING}, of {@link JobRows#COUNT_STEP}, then next id, step, status, input,
	 * created at, lease expiry, pool, worker, started at, claim epoch.
	 */
	private static final String COMPLETE_AND_INSERT_NEXT = "with done as (" + COMPLETE_RUNNING + "), job as ("
			+ JobRows.COUNT_STEP + IF_DONE + " and status not in " + Sql.FINAL_STATUSES + """
			 returning id),
			next as (
			  insert into wf_step_execution (""" + StepExecutions.COLUMNS + """
			)
			  select ?, job.id, done.sequence + 1, ?, 1, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, 0 from job, done
			  returning id)""";

	/** What a completion with its next step selects: whether the step was completed, and its job counted. */
	private static final String COMPLETED_AND_COUNTED = """

			select (select count(*) from done), (select count(*) from job)""";

	/**
	 * Completes a step, counts it on its job and queues the next step with its outbox row; parameters: those of
	 * {@link #COMPLETE_AND_INSERT_NEXT}, then outbox id, exchange, routing key, payload, created at.
	 */
	private static final String COMPLETE_AND_QUEUE = COMPLETE_AND_INSERT_NEXT + """
			,
			message as (
			  insert into wf_outbox (""" + OutboxRows.COLUMNS + """
			)
			  select ?, ?, ?, ?, ? from next)""" + COMPLETED_AND_COUNTED;

	/**
	 * Completes a step, counts it on its job and inserts the next step claimed by the worker, which runs it
	 * in-process: no message; parameters: those of {@link #COMPLETE_AND_INSERT_NEXT}.
	 */
	private static final String COMPLETE_AND_CONTINUE = COMPLETE_AND_INSERT_NEXT + COMPLETED_AND_COUNTED;

	/**
	 * Completes a step and its job, unless the job is a child, whose end concerns its parent too: then nothing
	 * changes; parameters: job id, those of {@link #COMPLETE_RUNNING}, then those of
	 * {@link JobRows#COUNT_AND_COMPLETE}.
	 */
	private static final String COMPLETE_LAST = """
			with parent as (select parent_entry_id is not null as child from wf_job where id = ?),
			done as (""" + COMPLETE_IF_CLAIMED + " and not (select child from parent)" + RETURNING_SEQUENCE
			+ "), job as (" + JobRows.COUNT_AND_COMPLETE + IF_DONE + " and status not in " + Sql.FINAL_STATUSES + """
			 returning id)
			select (select count(*) from done), (select count(*) from job), (select child from parent)""";

	/** Marks a step execution cancelled, its result discarded; parameter: id. */
	private static final String CANCEL = "update wf_step_execution set status = 'CANCELLED', output = null where id = ?";

	private final JdbcTemplate jdbc;

	private final GroupCommits commits;

	/**
	 * Creates the completions.
	 * @param jdbc the statements
	 * @param commits the transactions of the completions that take one, shared by completions that happen at the
	 * same moment
	 */
	public StepCompletions(JdbcTemplate jdbc, GroupCommits commits) {
		this.jdbc = jdbc;
		this.commits = commits;
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
	 * A step's result, to record on the step execution a worker ran.
	 *
	 * @param claim the claim the worker holds
	 * @param output the step's output as JSON
	 * @param now the current time
	 */
	public record StepDone(StepExecutions.HeldClaim claim, @Nullable String output, Instant now) {

		private Object[] values() {
			return new Object[] { this.output, Sql.time(this.now), this.claim.id(), this.claim.attempt(),
					this.claim.epoch() };
		}

	}

	/**
	 * The next step of a pipeline, to insert when its previous step completes: queued, with the message that
	 * dispatches it, or claimed by the worker that completed the previous one, which runs it in-process.
	 *
	 * @param jobId the job
	 * @param percentComplete the job's progress
	 * @param id the id of the next step execution
	 * @param step the next step's name
	 * @param input the next step's input as JSON
	 * @param pool the next step's worker pool, {@code null} for the default pool
	 * @param deadline when the next step execution counts as lost: unless a worker has claimed it, if queued; unless
	 * the worker renews its lease, if claimed
	 * @param outbox the message that dispatches the next step, {@code null} if the worker runs it
	 * @param worker the worker that runs the next step in-process, {@code null} if it is queued
	 */
	public record NextStep(UUID jobId, int percentComplete, UUID id, String step, @Nullable String input,
			@Nullable String pool, Instant deadline, @Nullable OutboxEntity outbox, @Nullable String worker) {

		public NextStep {
			if ((outbox == null) == (worker == null)) {
				throw new IllegalArgumentException("A next step is either queued with a message or claimed by a worker");
			}
		}

	}

	/**
	 * Marks a running step execution completed, in plain SQL, in the caller's transaction.
	 * @param done the step's result
	 * @return its sequence, or {@code null} if it was not running under that claim
	 */
	public @Nullable Integer completeRunning(StepDone done) {
		List<Integer> sequence = this.jdbc.queryForList(COMPLETE_RUNNING, Integer.class, done.values());
		return sequence.isEmpty() ? null : sequence.get(0);
	}

	/**
	 * Completes a running step execution, counts it on its job and inserts the next step: queued with the outbox row
	 * that dispatches it, or claimed by the worker that runs it in-process, in one statement and a transaction of its
	 * own, which completions on other threads at the same moment may share.
	 * @param done the step's result
	 * @param next the next step
	 * @return what was found
	 */
	public Completion completeAndInsertNext(StepDone done, NextStep next) {
		OffsetDateTime now = Sql.time(done.now());
		OutboxEntity outbox = next.outbox();
		boolean queued = outbox != null;
		Object[] values = Sql.values(done.values(), new Object[] { next.percentComplete(), next.step(), next.jobId(),
				next.id(), next.step(), queued ? StepStatus.QUEUED.name() : StepStatus.RUNNING.name(), next.input(), now,
				Sql.time(next.deadline()), next.pool(), next.worker(), queued ? null : now,
				queued ? 0 : StepExecutions.FIRST_CLAIM_EPOCH },
				queued ? new Object[] { outbox.getId(), outbox.getExchange(), outbox.getRoutingKey(),
						outbox.getPayload(), now } : new Object[0]);
		return this.commits.execute(next.jobId(), () -> {
			Completion completion = this.jdbc.queryForObject(queued ? COMPLETE_AND_QUEUE : COMPLETE_AND_CONTINUE,
					(rows, row) -> (rows.getInt(1) == 0) ? Completion.NOT_RUNNING
							: (rows.getInt(2) == 0) ? Completion.JOB_ENDED : Completion.DONE,
					values);
			if (completion == Completion.JOB_ENDED) {
				cancel(done.claim().id());
			}
			return completion;
		});
	}

	/**
	 * Completes a running step execution and, with it, its job, in one statement and a transaction of its own (which
	 * completions on other threads at the same moment may share), unless the job is a child, whose end concerns its
	 * parent too: then nothing changes.
	 * @param done the step's result
	 * @param jobId the job
	 * @param jobOutput the job's result as JSON
	 * @return what was found
	 */
	public Completion completeLastStep(StepDone done, UUID jobId, @Nullable String jobOutput) {
		Object[] values = Sql.values(new Object[] { jobId }, done.values(),
				new Object[] { jobOutput, Sql.time(done.now()), jobId });
		return this.commits.execute(jobId, () -> {
			Completion completion = this.jdbc.queryForObject(COMPLETE_LAST,
					(rows, row) -> rows.getBoolean(3) ? Completion.HAS_PARENT
							: (rows.getInt(1) == 0) ? Completion.NOT_RUNNING
									: (rows.getInt(2) == 1) ? Completion.DONE : Completion.JOB_ENDED,
					values);
			if (completion == Completion.JOB_ENDED) {
				cancel(done.claim().id());
			}
			return completion;
		});
	}

	/**
	 * Counts a completed step on its job and inserts the steps its workflow decided on, in plain SQL, in the caller's
	 * transaction: one statement for a single step, else one update and one batch per table.
	 * @param jobId the job
	 * @param percentComplete the job's progress
	 * @param currentStep the job's current step from now on, or {@code null} to keep it
	 * @param steps the step executions to insert, queued, or one claimed by the worker that runs it in-process
	 * @param outbox the messages that dispatch the queued ones
	 */
	public void countAndQueue(UUID jobId, int percentComplete, @Nullable String currentStep,
			List<StepExecutionEntity> steps, List<OutboxEntity> outbox) {
		if (steps.size() == 1 && outbox.isEmpty()) {
			this.jdbc.update("with job as (" + JobRows.COUNT_STEP + ") " + StepExecutions.INSERT,
					Sql.values(new Object[] { percentComplete, currentStep, jobId }, StepExecutions.values(steps.get(0))));
			return;
		}
		if (steps.size() == 1 && outbox.size() == 1) {
			this.jdbc.update("with job as (" + JobRows.COUNT_STEP + "), step as (" + StepExecutions.INSERT + ") "
					+ OutboxRows.INSERT, Sql.values(new Object[] { percentComplete, currentStep, jobId },
							StepExecutions.values(steps.get(0)), OutboxRows.values(outbox.get(0))));
			return;
		}
		this.jdbc.update(JobRows.COUNT_STEP, percentComplete, currentStep, jobId);
		StepExecutions.insert(this.jdbc, steps);
		OutboxRows.insert(this.jdbc, outbox);
	}

	private void cancel(UUID execution) {
		this.jdbc.update(CANCEL, execution);
	}

}

package dev.workflow.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import dev.workflow.api.JobError;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StepStatus;
import dev.workflow.api.StepTimeoutException;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.JobEntity;
import dev.workflow.store.JobRows;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.store.StepExecutions;
import dev.workflow.transport.OutboundMessage;
import dev.workflow.transport.StepMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records failed attempts, in the caller's transaction: the next attempt after the delay of the step's retry policy,
 * or the job's failure; and fails the job of a queued step that cannot run at all.
 */
final class StepFailures {

	private static final Log logger = LogFactory.getLog(StepFailures.class);

	private final StepBindings bindings;

	private final JobRows jobs;

	private final StepExecutions steps;

	private final TransactionTemplate transactions;

	private final WorkflowJson json;

	private final Clock clock;

	private final JobTransitions transitions;

	private final OutboxMessages outbox;

	private final HistoryCache history;

	StepFailures(StepBindings bindings, JobRows jobs, StepExecutions steps, TransactionTemplate transactions,
			WorkflowJson json, Clock clock, JobTransitions transitions, OutboxMessages outbox, HistoryCache history) {
		this.bindings = bindings;
		this.jobs = jobs;
		this.steps = steps;
		this.transactions = transactions;
		this.json = json;
		this.clock = clock;
		this.transitions = transitions;
		this.outbox = outbox;
		this.history = history;
	}

	/**
	 * Records a failed attempt of a claimed step and schedules the next one after a delay, or, without a delay, fails
	 * the job.
	 * @param message the step's message
	 * @param failure why it failed
	 * @param delay the wait before the next attempt, {@code null} for none
	 * @param epoch the claim's epoch
	 * @return the messages to publish after commit
	 */
	List<OutboundMessage> failOrRetry(StepMessage message, Throwable failure, @Nullable Duration delay, int epoch) {
		StepStatus outcome = (failure instanceof StepTimeoutException) ? StepStatus.TIMED_OUT : StepStatus.FAILED;
		return fail(message, JobErrors.of(failure), outcome, delay, epoch);
	}

	/**
	 * Fails the job of a step: a claimed one (a positive epoch), or a queued one that cannot run at all (epoch 0).
	 * @param message the step's message
	 * @param error why
	 * @param outcome the status the attempt ends with
	 * @param epoch the claim's epoch, 0 for a step never claimed
	 * @return the messages to publish after commit
	 */
	List<OutboundMessage> fail(StepMessage message, JobError error, StepStatus outcome, int epoch) {
		return fail(message, error, outcome, null, epoch);
	}

	/**
	 * Ends the attempt of a message as failed, if it is still the caller's to end: running under the given claim, or,
	 * for epoch 0, queued and never claimed.
	 */
	private List<OutboundMessage> fail(StepMessage message, JobError error, StepStatus outcome,
			@Nullable Duration delay, int epoch) {
		StepExecutionEntity execution = (epoch > 0) ? this.transitions.runningExecution(message, epoch)
				: this.steps.find(message.stepExecutionId());
		if (execution == null || epoch == 0
				&& (execution.getAttempt() != message.attempt() || execution.getStatus() != StepStatus.QUEUED)) {
			return List.of();
		}
		JobEntity job = failingJob(message);
		Instant now = this.clock.instant();
		if (this.transitions.cancelIfJobEnded(job, execution, now)) {
			return List.of();
		}
		return endAttempt(job, execution, message.workflow(), outcome, error, delay, now);
	}

	/**
	 * Returns the job of a step that failed: locked, for a workflow method, like a completion, so that a race of
	 * {@code Workflows.any} decided meanwhile is seen.
	 */
	private @Nullable JobEntity failingJob(StepMessage message) {
		WorkflowDefinition workflow = this.bindings.registry().find(message.workflow());
		return (workflow != null && this.bindings.decider(workflow).replaysHistory())
				? this.jobs.lock(message.jobId()) : this.jobs.find(message.jobId());
	}

	/**
	 * Ends an attempt that failed: the next attempt after a delay, or, without one, the job's failure, unless the
	 * step had lost a race of {@code Workflows.any}, whose winner the job goes on with.
	 * @param job the job
	 * @param execution the attempt
	 * @param workflow the workflow's name
	 * @param outcome the status the attempt ends with
	 * @param error why
	 * @param delay the wait before the next attempt, {@code null} to fail the job
	 * @param now the time
	 * @return the messages to publish after commit
	 */
	List<OutboundMessage> endAttempt(JobEntity job, StepExecutionEntity execution, String workflow,
			StepStatus outcome, JobError error, @Nullable Duration delay, Instant now) {
		WorkflowDefinition definition = this.bindings.registry().find(workflow);
		int winner = (delay == null && definition != null && this.bindings.decider(definition).replaysHistory())
				? Replay.winnerOver(this.history.latestAttempts(job.getId(), this.steps::historyRows),
						execution.getSequence(), this.json)
				: -1;
		this.transitions.finish(execution, workflow, outcome, error, now);
		if (winner >= 0) {
			logger.info("Step '" + execution.getStepName() + "' of job " + job.getId() + " failed (" + error.type()
					+ ": " + error.message() + "), but it had lost a race of Workflows.any to entry " + winner
					+ ", so its result is not needed and the job goes on");
			return List.of();
		}
		if (delay == null) {
			job.setCurrentStep(execution.getStepName());
			return this.transitions.end(job, new Decision.End(JobStatus.FAILED, null, error), now);
		}
		StepExecutionEntity retry = new StepExecutionEntity(UUID.randomUUID(), job.getId(), execution.getSequence(),
				execution.getStepName(), execution.getAttempt() + 1, execution.getInput(), now, now.plus(delay));
		retry.setPool(execution.getPool());
		this.steps.persist(retry);
		logger.info("Step '" + execution.getStepName() + "' of job " + job.getId() + " failed on attempt "
				+ execution.getAttempt() + " (" + error.type() + ": " + error.message() + "); attempt "
				+ retry.getAttempt() + " in " + delay.toMillis() + " ms");
		return List.of();
	}

	/**
	 * Fails the job of a queued step that cannot run, if the step is still as the caller found it, in a transaction
	 * of its own, and publishes what that calls for.
	 * @param message the step's message
	 * @param error why
	 * @param still whether the step is still as the caller found it
	 */
	void failUnrunnable(StepMessage message, JobError error, Predicate<StepExecutionEntity> still) {
		this.outbox.publish(this.transactions.execute((status) -> {
			StepExecutionEntity execution = this.steps.find(message.stepExecutionId());
			return (execution != null && still.test(execution)) ? fail(message, error, StepStatus.FAILED, 0)
					: List.<OutboundMessage>of();
		}));
	}

}

package dev.workflow.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.JobEndedException;
import dev.workflow.api.JobError;
import dev.workflow.api.JobNotCancellableException;
import dev.workflow.api.JobNotFoundException;
import dev.workflow.api.JobNotRetryableException;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StepStatus;
import dev.workflow.api.WorkflowEvent;
import dev.workflow.api.WorkflowException;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.EventEntity;
import dev.workflow.store.Events;
import dev.workflow.store.JobEntity;
import dev.workflow.store.JobRows;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.store.StepExecutions;
import dev.workflow.transport.OutboundMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a client asks of a job that has started: cancel it, retry it after a failure, send it an event. Each in a
 * transaction of its own, whose messages are published after commit.
 */
final class Commands {

	private static final Log logger = LogFactory.getLog(Commands.class);

	private final StepBindings bindings;

	private final JobRows jobs;

	private final StepExecutions steps;

	private final Events keptEvents;

	private final TransactionTemplate transactions;

	private final WorkflowJson json;

	private final EngineSettings settings;

	private final Clock clock;

	private final JobTransitions transitions;

	private final OutboxMessages outbox;

	private final HistoryCache history;

	private final EngineEvents events;

	Commands(StepBindings bindings, JobRows jobs, StepExecutions steps, Events keptEvents,
			TransactionTemplate transactions, WorkflowJson json, EngineSettings settings, Clock clock,
			JobTransitions transitions, OutboxMessages outbox, HistoryCache history, EngineEvents events) {
		this.bindings = bindings;
		this.jobs = jobs;
		this.steps = steps;
		this.keptEvents = keptEvents;
		this.transactions = transactions;
		this.json = json;
		this.settings = settings;
		this.clock = clock;
		this.transitions = transitions;
		this.outbox = outbox;
		this.history = history;
		this.events = events;
	}

	/**
	 * Cancels a job: steps not yet started never run, the result of a running one is discarded, and its children
	 * that have not ended are cancelled with it.
	 * @param jobId the job
	 * @throws JobNotFoundException if there is no such job
	 * @throws JobNotCancellableException if the job has already ended
	 */
	void cancel(UUID jobId) {
		this.outbox.publish(this.transactions.execute((status) -> {
			JobEntity job = this.jobs.lock(jobId);
			if (job == null) {
				throw new JobNotFoundException("No job with id " + jobId);
			}
			if (job.getStatus().isFinal()) {
				throw new JobNotCancellableException("Job " + jobId + " of workflow '" + job.getWorkflowName()
						+ "' has already ended " + job.getStatus() + "; only WAITING, QUEUED and RUNNING jobs can be "
						+ "cancelled");
			}
			Instant now = this.clock.instant();
			this.transitions.cancel(job, "Cancelled by a client", now);
			return this.transitions.resumeParent(job, JobStatus.CANCELLED, null,
					new JobError("cancelled", "Cancelled by a client", null), now);
		}));
	}

	/**
	 * Retries a FAILED job from its failed step: a new attempt of that step, with the same input, and of the parallel
	 * steps its failure cancelled, and the job RUNNING again.
	 * @param jobId the job
	 * @throws JobNotFoundException if there is no such job
	 * @throws JobNotRetryableException if the job is not FAILED, did not fail in a step, an entry that did not
	 * complete is not a step (a child workflow, a sleep, an event wait), or, for a job of a workflow with concurrency
	 * limits (or with a concurrency key), a step of its failed run has not ended yet
	 */
	void retry(UUID jobId) {
		this.outbox.publish(this.transactions.execute((status) -> {
			JobEntity job = this.jobs.lock(jobId);
			if (job == null) {
				throw new JobNotFoundException("No job with id " + jobId);
			}
			String about = "Job " + jobId + " of workflow '" + job.getWorkflowName() + "'";
			if (job.getStatus() != JobStatus.FAILED) {
				throw new JobNotRetryableException(
						about + " is " + job.getStatus() + "; only FAILED jobs can be retried");
			}
			WorkflowDefinition workflow = this.bindings.registry().find(job.getWorkflowName());
			if (workflow == null) {
				throw new JobNotRetryableException(about + " cannot be retried here: the workflow is not registered "
						+ "in this application");
			}
			// The failed step, and the parallel steps the failure cancelled: each gets a new attempt.
			List<StepExecutionEntity> latest = this.history.latestAttempts(jobId);
			JobTransitions.RetryPlan plan = JobTransitions.RetryPlan.of(latest);
			StepExecutionEntity failed = plan.failed();
			List<StepExecutionEntity> again = plan.again();
			if (failed == null) {
				throw new JobNotRetryableException(about + " did not fail in a step; only a failed step can be retried");
			}
			for (StepExecutionEntity entry : again) {
				if (entry.getStepName().startsWith(Replay.ENGINE_PREFIX)) {
					throw new JobNotRetryableException(about + " cannot be retried: its entry " + entry.getSequence()
							+ " is '" + entry.getStepName() + "', which ended "
							+ entry.getStatus() + ((!entry.getStepName().equals(Replay.CHILD_ENTRY)) ? ""
									: (entry.getStatus() == StepStatus.CANCELLED)
											? ", its child job cancelled with this one; start this one again"
											: " with its child job; retry that job, then start this one again")
							+ "; only steps can run again");
				}
			}
			boolean waits = Admissions.waits(workflow, job.getConcurrencyKey());
			List<String> unfinished = latest.stream()
				.filter((entry) -> entry.getStatus() == StepStatus.SCHEDULED || entry.getStatus() == StepStatus.QUEUED
						|| entry.getStatus() == StepStatus.RUNNING)
				.map(StepExecutionEntity::getStepName)
				.toList();
			if (waits && !unfinished.isEmpty()) {
				// A job that waits for a place runs nothing until it is let through: what its failed run left
				// running would go on (and decide) for a job that has not got its place.
				throw new JobNotRetryableException(about + " cannot be retried yet: its workflow has concurrency "
						+ "limits, and step(s) " + unfinished + " of its failed run have not ended; retry it once "
						+ "they have (their results are discarded)");
			}
			List<OutboundMessage> outbound;
			if (waits) {
				// Its place is taken again when it is let through, like a start's.
				this.transitions.waitToRetry(job);
				outbound = List.of();
			}
			else {
				outbound = this.transitions.retry(job, plan, this.clock.instant());
			}
			logger.info(about + " retried from step '" + failed.getStepName() + "' (attempt " + (failed.getAttempt() + 1)
					+ ((again.size() > 1) ? ", with " + (again.size() - 1) + " more step(s) it had cancelled" : "")
					+ ")");
			this.events.afterCommit(new WorkflowEvent.JobRetried(jobId, job.getWorkflowName(), failed.getStepName(),
					failed.getAttempt() + 1));
			return outbound;
		}));
	}

	/**
	 * Sends an event to a job: completes the entry of its history that waits for it and lets the workflow go on, or
	 * keeps the event until the workflow waits for it.
	 * @param jobId the job
	 * @param name the event's name
	 * @param payload the payload
	 * @throws WorkflowException if this instance runs an older release of the job's workflow method than the one that
	 * wrote its history (a rolling deploy): nothing is recorded, and the event can be sent again
	 */
	void sendEvent(UUID jobId, String name, @Nullable Object payload) {
		this.json.toTree(name, () -> "name of an event sent to job " + jobId);
		JsonNode payloadNode = this.json.toTree(payload,
				() -> "payload of event '" + name + "' sent to job " + jobId);
		try {
			this.outbox.publish(this.transactions.execute((status) -> takeEvent(jobId, name, payloadNode)));
		}
		catch (HistoryAheadException ex) {
			throw new WorkflowException("Event '" + name + "' was not sent to job " + jobId + ": " + ex.getMessage()
					+ ". Send it through an instance of that release (during a rolling deploy, try again); nothing "
					+ "was recorded", ex);
		}
	}

	/**
	 * Gives an event to the job: to the wait for it if the job waits, else it is kept for a later wait.
	 */
	private List<OutboundMessage> takeEvent(UUID jobId, String name, @Nullable JsonNode payloadNode) {
		JobEntity job = this.jobs.lock(jobId);
		if (job == null) {
			throw new JobNotFoundException("No job with id " + jobId);
		}
		if (job.getStatus().isFinal()) {
			throw new JobEndedException("Job " + jobId + " of workflow '" + job.getWorkflowName()
					+ "' has already ended " + job.getStatus() + "; it takes no more events");
		}
		Instant now = this.clock.instant();
		StepExecutionEntity waiting = this.steps.claimEventWait(jobId, Replay.EVENT_STEP, name);
		if (waiting == null) {
			this.keptEvents.persist(new EventEntity(UUID.randomUUID(), jobId, name, this.json.write(payloadNode), now));
			return List.<OutboundMessage>of();
		}
		waiting.recordCompleted(this.json.write(payloadNode), now);
		WorkflowDefinition workflow = this.bindings.registry().require(job.getWorkflowName());
		return this.transitions.replayAndApply(workflow, job, now);
	}

}

package dev.workflow.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import dev.workflow.api.JobError;
import dev.workflow.api.JobFailedException;
import dev.workflow.api.JobStatus;
import dev.workflow.api.JobTimeoutException;
import dev.workflow.api.StepStatus;
import dev.workflow.api.UnknownWorkflowException;
import dev.workflow.api.WorkflowEvent;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.EventEntity;
import dev.workflow.store.Events;
import dev.workflow.store.JobEntity;
import dev.workflow.store.JobRows;
import dev.workflow.store.OutboxEntity;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.store.StepExecutions;
import dev.workflow.transport.OutboundMessage;
import dev.workflow.transport.StepMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The changes of a job's state that the other parts of the engine share, each in the caller's transaction: a new
 * job (or one that waits for a place), a waiting job let through, what a {@link WorkflowDecider decision} dispatches,
 * a job's end (and its parent going on), a cancellation with its children, a retry, and the end of one step
 * execution.
 */
final class JobTransitions {

	private static final Log logger = LogFactory.getLog(JobTransitions.class);

	private final JobRows jobs;

	private final StepExecutions steps;

	private final Events keptEvents;

	private final WorkflowJson json;

	private final StepBindings bindings;

	private final EngineSettings settings;

	private final OutboxMessages outbox;

	private final HistoryCache history;

	private final EngineEvents events;

	private final Consumer<String> admissionRequests;

	/**
	 * Creates the transitions.
	 * @param admissionRequests asks for an admission of a workflow's waiting jobs (see {@link Admissions#request}),
	 * after a job that waits for a place is stored and after a job that holds one ends
	 */
	JobTransitions(JobRows jobs, StepExecutions steps, Events keptEvents, WorkflowJson json, StepBindings bindings,
			EngineSettings settings, OutboxMessages outbox, HistoryCache history, EngineEvents events,
			Consumer<String> admissionRequests) {
		this.jobs = jobs;
		this.steps = steps;
		this.keptEvents = keptEvents;
		this.json = json;
		this.bindings = bindings;
		this.settings = settings;
		this.outbox = outbox;
		this.history = history;
		this.events = events;
		this.admissionRequests = admissionRequests;
	}

	/**
	 * Decides what a workflow does at the start of a job: its first steps.
	 * @param workflow the workflow
	 * @param input the job's input
	 * @param stepContext the job's step context
	 * @return the decision
	 */
	Decision startDecision(WorkflowDefinition workflow, @Nullable JsonNode input, @Nullable JsonNode stepContext) {
		return this.bindings.decider(workflow).start(workflow, input, stepContext);
	}

	/**
	 * Returns a new job, not yet stored.
	 * @param workflow the workflow
	 * @param jobId the job's id
	 * @param inputNode its input
	 * @param userContext its user context
	 * @param stepContext its step context
	 * @param key its idempotency key
	 * @param now the time
	 * @param traceContext the trace context of its start
	 * @param timeout the start's timeout, {@code null} for the workflow's
	 * @return the job
	 */
	JobEntity newJob(WorkflowDefinition workflow, UUID jobId, @Nullable JsonNode inputNode, JsonNode userContext,
			@Nullable JsonNode stepContext, @Nullable String key, Instant now, @Nullable String traceContext,
			@Nullable Duration timeout) {
		JobEntity job = new JobEntity(jobId, workflow.name(), JobStatus.QUEUED, now);
		Duration deadline = (timeout != null) ? timeout : workflow.limits().timeout();
		if (deadline != null) {
			job.setDeadlineAt(now.plus(deadline));
		}
		job.setTraceContext(traceContext);
		job.setInput(this.json.write(inputNode));
		job.setUserContext(this.json.write(userContext));
		job.setStepContext(this.json.write(stepContext));
		job.setStepCount(workflow.steps().size());
		job.setIdempotencyKey(key);
		job.setDefinitionVersion(workflow.fingerprint());
		return job;
	}

	/**
	 * Stores a new job (a child, for a parent entry) and what its workflow decides at the start, in the caller's
	 * transaction.
	 * @param timeout the start's timeout, {@code null} for the workflow's
	 * @return the messages to publish after commit
	 */
	List<OutboundMessage> createJob(WorkflowDefinition workflow, UUID jobId, @Nullable JsonNode inputNode,
			JsonNode userContext, @Nullable JsonNode stepContext, @Nullable String key, @Nullable UUID parentEntryId,
			Decision decision, Instant now, @Nullable String traceContext, @Nullable Duration timeout) {
		JobEntity job = newJob(workflow, jobId, inputNode, userContext, stepContext, key, now, traceContext, timeout);
		job.setParentEntryId(parentEntryId);
		if (Admissions.waits(workflow, null)) {
			createWaiting(workflow, job);
			return List.of();
		}
		this.jobs.persist(job);
		List<OutboundMessage> messages = apply(workflow, job, decision, 0, now);
		this.events.afterCommit(new WorkflowEvent.JobStarted(jobId, workflow.name()));
		return messages;
	}

	/**
	 * Stores a new job that waits for a place under its workflow's concurrency limits, in the caller's transaction:
	 * its first steps are decided when it is let through ({@link #admit}), which is asked for after commit.
	 * @param workflow the workflow
	 * @param job the job, not yet stored
	 */
	void createWaiting(WorkflowDefinition workflow, JobEntity job) {
		job.setStatus(JobStatus.WAITING);
		this.jobs.persist(job);
		this.events.afterCommit(new WorkflowEvent.JobStarted(job.getId(), workflow.name()));
		EngineEvents.afterCommit(() -> this.admissionRequests.accept(workflow.name()));
	}

	/**
	 * Lets a locked waiting job go, its place taken: a new job starts (QUEUED, its first steps decided and
	 * dispatched), a retried one runs its failed steps again. A start decision that throws (an orchestrated
	 * workflow's code that fails before its first step) fails the job.
	 * @param workflow the workflow
	 * @param job the job, WAITING
	 * @param now the time
	 * @return the messages to publish after commit
	 */
	List<OutboundMessage> admit(WorkflowDefinition workflow, JobEntity job, Instant now) {
		job.endDebounce();
		List<StepExecutionEntity> history = this.history.latestAttempts(job.getId());
		if (!history.isEmpty()) {
			return retry(job, RetryPlan.of(history), now);
		}
		job.setStatus(JobStatus.QUEUED);
		Decision decision;
		try {
			decision = startDecision(workflow, this.json.parse(job.getInput()), this.json.parse(job.getStepContext()));
		}
		catch (RuntimeException ex) {
			return end(job, new Decision.End(JobStatus.FAILED, null, JobErrors.of(ex)), now);
		}
		return apply(workflow, job, decision, 0, now);
	}

	/**
	 * The entries of a failed job that a retry runs again: the failed step, and the parallel steps its failure
	 * cancelled.
	 *
	 * @param again the entries to run again, in sequence
	 * @param failed the failed one, {@code null} if the job did not fail in a step
	 */
	record RetryPlan(List<StepExecutionEntity> again, @Nullable StepExecutionEntity failed) {

		/**
		 * Returns what a retry runs again of a job's history.
		 * @param latest the latest attempt of each entry of the job's history
		 * @return the plan
		 */
		static RetryPlan of(List<StepExecutionEntity> latest) {
			List<StepExecutionEntity> again = latest.stream()
				.filter((entry) -> entry.getStatus() == StepStatus.FAILED || entry.getStatus() == StepStatus.TIMED_OUT
						|| entry.getStatus() == StepStatus.CANCELLED)
				.toList();
			StepExecutionEntity failed = again.stream()
				.filter((entry) -> entry.getStatus() != StepStatus.CANCELLED)
				.reduce((first, second) -> second)
				.orElse(null);
			return new RetryPlan(again, failed);
		}

	}

	/**
	 * Makes a locked failed job wait for a place again before its retry runs: a job of a workflow with concurrency
	 * limits. Its retry ({@link #retry}) runs when it is let through ({@link #admit}), which is asked for after
	 * commit.
	 * @param job the job, FAILED
	 */
	void waitToRetry(JobEntity job) {
		job.setStatus(JobStatus.WAITING);
		job.setFinishedAt(null);
		job.setError(null, null, null);
		EngineEvents.afterCommit(() -> this.admissionRequests.accept(job.getWorkflowName()));
	}

	/**
	 * Runs a locked failed job again from its failed steps: a new attempt of each, with the same input, and the job
	 * RUNNING again.
	 * @param job the job
	 * @param plan what runs again; its failed step is not {@code null}
	 * @param now the time
	 * @return the messages to publish after commit
	 */
	List<OutboundMessage> retry(JobEntity job, RetryPlan plan, Instant now) {
		OutboxMessages.JobContexts contexts = this.outbox.contexts(job);
		List<OutboundMessage> outbound = new ArrayList<>(plan.again().size());
		for (StepExecutionEntity entry : plan.again()) {
			StepExecutionEntity attempt = new StepExecutionEntity(UUID.randomUUID(), job.getId(), entry.getSequence(),
					entry.getStepName(), entry.getAttempt() + 1, entry.getInput(), now);
			attempt.setPool(entry.getPool());
			attempt.setLeaseExpiresAt(this.settings.claimDeadline(now));
			this.steps.persist(attempt);
			outbound.add(this.outbox.redispatch(job, contexts, attempt, this.json.parse(attempt.getInput()), now));
		}
		job.setStatus(JobStatus.RUNNING);
		job.setFinishedAt(null);
		job.setError(null, null, null);
		if (plan.failed() != null) {
			job.setCurrentStep(plan.failed().getStepName());
		}
		return outbound;
	}

	/**
	 * Applies a decision to a locked job: stores the entries it dispatches from the given sequence on, starts its
	 * children, writes the outbox rows of the steps to run now, and ends the job if it says so.
	 * @return the messages to publish after commit
	 */
	List<OutboundMessage> apply(WorkflowDefinition workflow, JobEntity job, Decision decision, int sequence,
			Instant now) {
		job.setPercentComplete(decision.percentComplete());
		if (decision.stepContext() != null) {
			job.setStepContext(this.json.write(decision.stepContext()));
		}
		List<OutboundMessage> outbound = new ArrayList<>(decision.dispatches().size());
		List<OutboxEntity> rows = new ArrayList<>(decision.dispatches().size());
		OutboxMessages.JobContexts contexts = null;
		int next = sequence;
		if (decision.dispatches().size() > 1) {
			this.steps.batchWrites(decision.dispatches().size());
		}
		for (Decision.Dispatch dispatch : decision.dispatches()) {
			Instant dueAt = (dispatch instanceof Decision.DelayedStep delayed) ? now.plus(delayed.delay()) : null;
			StepExecutionEntity execution = new StepExecutionEntity(UUID.randomUUID(), job.getId(), next++,
					dispatch.step(), 1, this.json.write(dispatch.input()), now, dueAt);
			execution.setPool(this.bindings.registry().pool(workflow, dispatch.step()));
			if (dispatch instanceof Decision.RecordedValue recorded) {
				// Only recorded: nothing runs, and the job's current step stays.
				execution.recordCompleted(this.json.write(recorded.output()), now);
				this.steps.persist(execution);
				continue;
			}
			if (dispatch instanceof Decision.ChildJob child) {
				execution.waitForChild();
				this.steps.persist(execution);
				WorkflowDefinition childWorkflow = this.bindings.registry().find(child.workflow());
				if (childWorkflow == null) {
					this.outbox.persist(rows, outbound);
					return end(job, new Decision.End(JobStatus.FAILED, null, new JobError(
							UnknownWorkflowException.class.getName(), "Workflow '" + workflow.name()
									+ "' started a child of workflow '" + child.workflow()
									+ "', which is not registered",
							null)), now);
				}
				JsonNode childInput = child.childInput();
				// A child continues its parent's trace.
				outbound.addAll(createJob(childWorkflow, UUID.randomUUID(), childInput,
						this.json.parse(job.getUserContext()), null, null, execution.getId(),
						startDecision(childWorkflow, childInput, null), now, job.getTraceContext(), null));
			}
			else if (dispatch instanceof Decision.RunStep) {
				execution.setLeaseExpiresAt(this.settings.claimDeadline(now));
				this.steps.persist(execution);
				if (contexts == null) {
					contexts = this.outbox.contexts(job);
				}
				rows.add(this.outbox.row(job, contexts, execution, dispatch.input(), now));
			}
			else {
				// A delayed step: the background work dispatches it when it is due.
				this.steps.persist(execution);
			}
			job.setCurrentStep(dispatch.step());
		}
		this.outbox.persist(rows, outbound);
		if (decision.end() != null) {
			return end(job, decision.end(), now);
		}
		return outbound;
	}

	/**
	 * Ends a job, cancels its children if it did not complete, and, if it is the child of a workflow waiting for
	 * it, lets the parent go on.
	 * @return the messages the parent's next steps need
	 */
	List<OutboundMessage> end(JobEntity job, Decision.End end, Instant now) {
		// After commit, and after the cache update this transaction may have registered before.
		this.history.forgetAfterCommit(job.getId());
		job.endDebounce();
		job.setStatus(end.status());
		job.setFinishedAt(now);
		if (end.status() == JobStatus.COMPLETED) {
			job.setOutput(this.json.write(end.output()));
			job.setPercentComplete(100);
			this.events.afterCommit(new WorkflowEvent.JobCompleted(job.getId(), job.getWorkflowName()));
		}
		else if (end.error() != null) {
			job.setError(end.error().type(), end.error().message(), end.error().stackTrace());
			this.events.afterCommit((end.status() == JobStatus.ABORTED)
					? new WorkflowEvent.JobAborted(job.getId(), job.getWorkflowName(), end.error().message())
					: new WorkflowEvent.JobFailed(job.getId(), job.getWorkflowName(), end.error()));
		}
		if (end.status() != JobStatus.COMPLETED) {
			cancelChildren(job, now);
		}
		freePlaceAfterCommit(job);
		return resumeParent(job, end.status(), end.output(), end.error(), now);
	}

	/**
	 * Lets the parent of a child job that has ended go on: with the child's output, or failed with it.
	 * @return the messages the parent's next steps need
	 */
	List<OutboundMessage> resumeParent(JobEntity child, JobStatus status, @Nullable JsonNode output,
			@Nullable JobError error, Instant now) {
		UUID entryId = child.getParentEntryId();
		StepExecutionEntity entry = (entryId != null) ? this.steps.find(entryId) : null;
		if (entry == null) {
			return List.of();
		}
		JobEntity parent = this.jobs.lock(entry.getJobId());
		if (parent == null || parent.getStatus().isFinal() || entry.getStatus() != StepStatus.SCHEDULED) {
			return List.of();
		}
		if (status == JobStatus.COMPLETED) {
			entry.recordCompleted(this.json.write(output), now);
			return replayAndApply(this.bindings.registry().require(parent.getWorkflowName()), parent, now);
		}
		JobError childError = new JobError(JobFailedException.class.getName(), "Child job " + child.getId()
				+ " of workflow '" + child.getWorkflowName() + "' ended " + status
				+ ((error != null) ? ": " + error.message() : ""), null);
		finish(entry, parent.getWorkflowName(), StepStatus.FAILED, childError, now);
		parent.setCurrentStep(Replay.CHILD_ENTRY);
		return end(parent, new Decision.End(JobStatus.FAILED, null, childError), now);
	}

	/**
	 * Runs an orchestrated workflow's method against its job's history and applies what it decides.
	 * @return the messages to publish after commit
	 */
	List<OutboundMessage> replayAndApply(WorkflowDefinition workflow, JobEntity job, Instant now) {
		return replayAndApply(workflow, job, this.history.latestAttempts(job.getId()), now);
	}

	/**
	 * Runs an orchestrated workflow's method against the given history of its job and applies what it decides.
	 * @return the messages to publish after commit
	 */
	List<OutboundMessage> replayAndApply(WorkflowDefinition workflow, JobEntity job, List<StepExecutionEntity> history,
			Instant now) {
		Decision decision = this.bindings.orchestration().replay(workflow, this.json.parse(job.getInput()),
				this.json.parse(job.getStepContext()), history, (name) -> takeKeptEvent(job.getId(), name, now));
		return apply(workflow, job, decision, history.size(), now);
	}

	private @Nullable JsonNode takeKeptEvent(UUID jobId, String name, Instant now) {
		EventEntity event = this.keptEvents.claimKept(jobId, name);
		if (event == null) {
			return null;
		}
		event.consume(now);
		JsonNode payload = this.json.parse(event.getPayload());
		return (payload != null) ? payload : JsonNodeFactory.instance.nullNode();
	}

	/**
	 * Ends a locked job CANCELLED, with its pending steps and its children: the one home of that transition.
	 * @param job the job
	 * @param reason why
	 * @param now the time
	 */
	void cancel(JobEntity job, String reason, Instant now) {
		endEarly(job, JobStatus.CANCELLED, new JobError("cancelled", reason, null), now);
		this.events.afterCommit(new WorkflowEvent.JobCancelled(job.getId(), job.getWorkflowName()));
	}

	/**
	 * Ends a locked job that ran past its deadline TIMED_OUT, with its pending steps and its children (the result of
	 * a step still running is discarded when it comes), and lets its parent go on: the one home of that transition.
	 * @param job the job, not ended
	 * @param now the time
	 * @return the messages the parent's next steps need
	 */
	List<OutboundMessage> timeOut(JobEntity job, Instant now) {
		JobError error = new JobError(JobTimeoutException.class.getName(), "Job " + job.getId() + " of workflow '"
				+ job.getWorkflowName() + "' ran past its deadline " + job.getDeadlineAt() + " (started "
				+ job.getCreatedAt() + ")", null);
		endEarly(job, JobStatus.TIMED_OUT, error, now);
		this.events.afterCommit(new WorkflowEvent.JobTimedOut(job.getId(), job.getWorkflowName()));
		logger.info(error.message() + "; it ended TIMED_OUT");
		return resumeParent(job, JobStatus.TIMED_OUT, null, error, now);
	}

	/**
	 * Ends a locked job that has not ended before its workflow does: its steps not yet running never run, and its
	 * children end with it.
	 */
	private void endEarly(JobEntity job, JobStatus status, JobError error, Instant now) {
		this.history.forgetAfterCommit(job.getId());
		job.endDebounce();
		job.setStatus(status);
		job.setFinishedAt(now);
		job.setError(error.type(), error.message(), error.stackTrace());
		this.steps.cancelPending(job.getId(), now, Replay.CHILD_ENTRY);
		cancelChildren(job, now);
		freePlaceAfterCommit(job);
	}

	private void freePlaceAfterCommit(JobEntity job) {
		freePlaceAfterCommit(job.getWorkflowName(), job.getConcurrencyKey());
	}

	/**
	 * Asks, after commit (or at once outside a transaction), for an admission of the waiting jobs of an ended job's
	 * workflow, if the job held a place: its workflow has a limit in all, or the job a concurrency key.
	 * @param workflowName the ended job's workflow
	 * @param concurrencyKey the ended job's concurrency key
	 */
	void freePlaceAfterCommit(String workflowName, @Nullable String concurrencyKey) {
		WorkflowDefinition workflow = this.bindings.registry().find(workflowName);
		if ((workflow != null) ? Admissions.waits(workflow, concurrencyKey) : concurrencyKey != null) {
			EngineEvents.afterCommit(() -> this.admissionRequests.accept(workflowName));
		}
	}

	/**
	 * Cancels the children of a job that has ended without completing, and theirs, in the transaction that ended it.
	 * A transaction that ends a child locks the child's row, then its parent's; this one holds the parent's, so it
	 * takes no child's row that another transaction holds: the entry that waits for such a child becomes due, and
	 * the background work cancels the child once it is free (see {@link #cancelChild}). Either way the parent's end
	 * and what becomes of its children commit together.
	 */
	private void cancelChildren(JobEntity job, Instant now) {
		List<StepExecutionEntity> entries = this.steps.openChildEntries(job.getId(), Replay.CHILD_ENTRY);
		if (entries.isEmpty()) {
			return;
		}
		// The parent's row before its entries and its children's rows, as in every transaction that ends a child.
		this.jobs.lock(job.getId());
		for (StepExecutionEntity entry : entries) {
			cancelChild(entry, cancelledWith(job), now);
		}
	}

	private static String cancelledWith(JobEntity parent) {
		return "Cancelled with its parent job " + parent.getId() + " of workflow '" + parent.getWorkflowName()
				+ "', which ended " + parent.getStatus();
	}

	/**
	 * Cancels the child job an entry of an ended job's history waits for, and marks the entry cancelled; or, if
	 * another transaction holds the child's row, makes the entry due, for {@link DueWork#dispatchDueRetries} to try
	 * again.
	 */
	private void cancelChild(StepExecutionEntity entry, String reason, Instant now) {
		for (UUID childId : this.jobs.childJobIds(entry.getId())) {
			JobEntity child = this.jobs.lockUnlessBusy(childId);
			if (child == null) {
				entry.setDueAt(now);
				return;
			}
			if (!child.getStatus().isFinal()) {
				cancel(child, reason, now);
			}
		}
		entry.setStatus(StepStatus.CANCELLED);
		entry.setFinishedAt(now);
		entry.setDueAt(null);
	}

	/**
	 * Goes on with an entry that waits for a child and has become due: its job ended while the child's row was
	 * held. Holds no row another transaction holds: the entry was claimed skipping locked rows, and so are the job
	 * and the child.
	 * @param entry the entry
	 * @param now the time
	 */
	void cancelChildOfEndedJob(StepExecutionEntity entry, Instant now) {
		JobEntity job = this.jobs.lockUnlessBusy(entry.getJobId());
		if (job == null) {
			return;
		}
		if (!job.getStatus().isFinal()) {
			// Retried meanwhile: the job waits for its child again.
			entry.setDueAt(null);
			return;
		}
		cancelChild(entry, cancelledWith(job), now);
	}

	/**
	 * Marks a step execution cancelled if its job has ended meanwhile (a client cancelled it, say).
	 * @param job the job, {@code null} if it is gone
	 * @param execution the step execution
	 * @param now the time
	 * @return {@code true} if the job has ended
	 */
	boolean cancelIfJobEnded(@Nullable JobEntity job, StepExecutionEntity execution, Instant now) {
		if (job != null && !job.getStatus().isFinal()) {
			return false;
		}
		execution.setStatus(StepStatus.CANCELLED);
		execution.setFinishedAt(now);
		execution.setLeaseExpiresAt(null);
		return true;
	}

	/**
	 * Ends a step execution that failed (or a child entry whose child did not complete).
	 * @param execution the step execution
	 * @param workflow the workflow's name
	 * @param outcome the status it ends with
	 * @param error why
	 * @param now the time
	 */
	void finish(StepExecutionEntity execution, String workflow, StepStatus outcome, JobError error, Instant now) {
		execution.setStatus(outcome);
		execution.setError(error.type(), error.message(), error.stackTrace());
		execution.setFinishedAt(now);
		execution.setLeaseExpiresAt(null);
		this.events.afterCommit(new WorkflowEvent.StepFailed(execution.getJobId(), workflow, execution.getStepName(),
				execution.getAttempt(), execution.getId(), error));
	}

	/**
	 * Returns the step execution of a message if it still runs under the given claim; logs a lost claim otherwise.
	 * @param message the message
	 * @param epoch the claim's epoch
	 * @return the step execution, or {@code null}
	 */
	@Nullable StepExecutionEntity runningExecution(StepMessage message, int epoch) {
		StepExecutionEntity execution = this.steps.find(message.stepExecutionId());
		if (execution != null && execution.getStatus() == StepStatus.RUNNING
				&& execution.getAttempt() == message.attempt() && execution.getClaimEpoch() == epoch) {
			return execution;
		}
		lostClaim(message, epoch);
		return null;
	}

	/**
	 * Logs the outcome of a step whose claim this worker has lost (its lease lapsed and the step was dispatched
	 * again, or the attempt ended otherwise): the outcome is discarded.
	 * @param message the message
	 * @param epoch the claim's epoch
	 */
	static void lostClaim(StepMessage message, int epoch) {
		logger.warn("Discarding the outcome of step '" + message.step() + "' of job " + message.jobId() + " (attempt "
				+ message.attempt() + "): this worker's claim (epoch " + epoch + ") is no longer the latest; its lease "
				+ "lapsed and the step was dispatched again, or the attempt has ended");
	}

}

package dev.workflow.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.workflow.api.JobStatus;
import dev.workflow.api.StepOutcome;
import dev.workflow.api.StepStatus;
import dev.workflow.api.WorkflowEvent;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.JobEntity;
import dev.workflow.store.JobRows;
import dev.workflow.store.OutboxEntity;
import dev.workflow.store.StepCompletions;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.store.StepExecutions;
import dev.workflow.transport.OutboundMessage;
import dev.workflow.transport.StepMessage;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records the completion of a claimed step and what its workflow decides next, in one transaction. The common
 * transitions take a fast path in plain SQL without loading entities: the next step of a pipeline
 * ({@link #completeAndInsertNext}), the end of a pipeline ({@link #completeLastStep}), and the common replay of a
 * workflow method ({@link #completeAndReplay}); anything else takes the general path through the entities.
 * <p>
 * On the fast paths, when the caller may continue the job in-process and the workflow decides exactly one next step,
 * in the same worker pool, the next step execution is inserted already claimed by this worker, under a lease, and no
 * message is written: the caller runs it at once. Should this worker die, the lease lapses and the background work
 * dispatches the step again, as for any step whose worker vanished.
 */
final class StepCompletion {

	private final StepBindings bindings;

	private final JobRows jobs;

	private final StepExecutions steps;

	private final StepCompletions completions;

	private final TransactionTemplate transactions;

	private final WorkflowJson json;

	private final EngineSettings settings;

	private final Clock clock;

	private final JobTransitions transitions;

	private final OutboxMessages outbox;

	private final HistoryCache history;

	private final EngineEvents events;

	StepCompletion(StepBindings bindings, JobRows jobs, StepExecutions steps, StepCompletions completions,
			TransactionTemplate transactions, WorkflowJson json, EngineSettings settings, Clock clock,
			JobTransitions transitions, OutboxMessages outbox, HistoryCache history, EngineEvents events) {
		this.bindings = bindings;
		this.jobs = jobs;
		this.steps = steps;
		this.completions = completions;
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
	 * What a completion recorded.
	 *
	 * @param outbound the messages to publish
	 * @param next the message of the next step, claimed by this worker under
	 * {@link StepExecutions#FIRST_CLAIM_EPOCH}, to run at once; {@code null} if there is none to run here
	 */
	record Outcome(List<OutboundMessage> outbound, @Nullable StepMessage next) {

		private static final Outcome NONE = new Outcome(List.of(), null);

	}

	/**
	 * What the fast path of a replay recorded.
	 *
	 * @param outcome what the completion recorded
	 * @param jobCompleted whether the job completed with the step
	 */
	private record Completed(Outcome outcome, boolean jobCompleted) {
	}

	/**
	 * Turns what a step returned into its result.
	 * @param workflow the workflow
	 * @param message the step's message
	 * @param returned what the step returned
	 * @return the result
	 * @throws dev.workflow.api.WorkflowSerializationException if a value does not write as JSON, or a step context
	 * is not the workflow's
	 */
	StepResult result(WorkflowDefinition workflow, StepMessage message, @Nullable Object returned) {
		String step = message.step();
		if (returned instanceof StepOutcome outcome) {
			JsonNode value = this.json.toTree(outcome.value(), () -> "value returned by step '" + step
					+ "' of workflow '" + workflow.name() + "' in job " + message.jobId());
			JsonNode context = outcome.replacesStepContext() ? JobStarter.stepContext(this.json, workflow,
					outcome.stepContext(), () -> "step context returned by step '" + step + "' in job "
							+ message.jobId())
					: null;
			return new StepResult(outcome.kind(), value, outcome.target(), context, outcome.replacesStepContext());
		}
		JsonNode value = this.json.toTree(returned, () -> "value returned by step '" + step + "' of workflow '"
				+ workflow.name() + "' in job " + message.jobId());
		return new StepResult(StepOutcome.Kind.NEXT, value, null, null, false);
	}

	/**
	 * Records the completion of a claimed step under the claim's epoch, and what its workflow decides next, taking
	 * the fast path where there is one. An outcome whose claim has been lost meanwhile changes nothing.
	 * @param workflow the workflow
	 * @param message the step's message
	 * @param epoch the claim's epoch
	 * @param result the step's result
	 * @param mayContinue whether this worker may run the next step in-process, if there is exactly one
	 * @return what was recorded
	 * @throws HistoryAheadException if a newer release of a workflow method wrote the job's history
	 */
	Outcome complete(WorkflowDefinition workflow, StepMessage message, int epoch, StepResult result,
			boolean mayContinue) {
		WorkflowDecider decider = this.bindings.decider(workflow);
		Decision next = decider.afterStep(workflow, message.step(), result);
		Decision.RunStep nextStep = (next != null) ? plainNextStep(next, result) : null;
		if (nextStep != null) {
			return completeAndInsertNext(workflow, message, epoch, result, nextStep, next.percentComplete(),
					mayContinue);
		}
		if (next != null && isPlainCompletion(next, result) && completeLastStep(message, epoch, result, next)) {
			return Outcome.NONE;
		}
		Outcome replayed = decider.replaysHistory()
				? completeAndReplay(workflow, message, epoch, result, mayContinue) : null;
		return (replayed != null) ? replayed : new Outcome(
				this.transactions.execute((status) -> completeInTransaction(workflow, message, epoch, result, next)),
				null);
	}

	/**
	 * Whether this worker can run the next step of a job in-process, in the place of the step that completes: the
	 * next step runs in the same worker pool, and this instance has its code.
	 */
	private boolean continuesHere(WorkflowDefinition workflow, String step, String nextStep) {
		return Objects.equals(this.bindings.pool(workflow.name(), step), this.bindings.pool(workflow.name(), nextStep))
				&& this.bindings.invoker(workflow, nextStep) != null;
	}

	/**
	 * The general path: the step completes through its entities, and the workflow decides in the same transaction.
	 * @param next what the workflow decided from the step's result alone, or {@code null} to replay the job's history
	 */
	private List<OutboundMessage> completeInTransaction(WorkflowDefinition workflow, StepMessage message, int epoch,
			StepResult result, @Nullable Decision next) {
		// Parallel steps of one job complete one after the other, so that each replay sees the others' results.
		JobEntity locked = (next == null) ? this.jobs.lock(message.jobId()) : null;
		// Read before anything changes, so that no change is flushed early; it holds the running execution, which
		// the lookup below then finds without a query.
		List<StepExecutionEntity> history = (next == null) ? this.history.latestAttempts(message.jobId()) : null;
		StepExecutionEntity execution = this.transitions.runningExecution(message, epoch);
		if (execution == null) {
			return List.of();
		}
		JobEntity job = (locked != null) ? locked : this.jobs.find(message.jobId());
		Instant now = this.clock.instant();
		if (this.transitions.cancelIfJobEnded(job, execution, now)) {
			return List.of();
		}
		execution.setStatus(StepStatus.COMPLETED);
		execution.setOutput(this.json.write(result.value()));
		execution.setFinishedAt(now);
		execution.setLeaseExpiresAt(null);
		job.setStepsCompleted(job.getStepsCompleted() + 1);
		if (result.replacesStepContext()) {
			job.setStepContext(this.json.write(result.stepContext()));
		}
		this.events.afterCommit(new WorkflowEvent.StepCompleted(message.jobId(), message.workflow(), message.step(),
				message.attempt(), message.stepExecutionId()));
		if (next == null) {
			return this.transitions.replayAndApply(workflow, job, history, now);
		}
		return this.transitions.apply(workflow, job, next, execution.getSequence() + 1, now);
	}

	/**
	 * Returns the step to run next if a pipeline's decision is its common transition: one step to run at once, the
	 * job's contexts unchanged.
	 */
	private static Decision.@Nullable RunStep plainNextStep(Decision decision, StepResult result) {
		return (!result.replacesStepContext() && decision.end() == null && decision.stepContext() == null
				&& decision.dispatches().size() == 1
				&& decision.dispatches().get(0) instanceof Decision.RunStep next) ? next : null;
	}

	/**
	 * Whether a pipeline's decision is its common end: the job completes, its contexts unchanged.
	 */
	private static boolean isPlainCompletion(Decision decision, StepResult result) {
		return !result.replacesStepContext() && decision.end() != null
				&& decision.end().status() == JobStatus.COMPLETED && decision.stepContext() == null
				&& decision.dispatches().isEmpty();
	}

	/**
	 * The common end of a pipeline, in plain SQL and a transaction of its own: the last step completes, and its job
	 * with it.
	 * @return {@code false} if the job is a child, which must end with its parent in the general way
	 */
	private boolean completeLastStep(StepMessage message, int epoch, StepResult result, Decision decision) {
		StepCompletions.Completion completion = this.completions.completeLastStep(
				done(message, epoch, result, this.clock.instant()), message.jobId(),
				this.json.write(decision.end().output()));
		if (completion == StepCompletions.Completion.HAS_PARENT) {
			return false;
		}
		if (completion == StepCompletions.Completion.NOT_RUNNING) {
			JobTransitions.lostClaim(message, epoch);
		}
		if (completion == StepCompletions.Completion.DONE) {
			completed(message, true);
		}
		return true;
	}

	/**
	 * The common transition of a pipeline, in plain SQL and a transaction of its own: the step completes and the next
	 * one is queued, or claimed by this worker to run in-process. The job's contexts are unchanged, so the next
	 * message carries the contexts this one brought.
	 */
	private Outcome completeAndInsertNext(WorkflowDefinition workflow, StepMessage message, int epoch,
			StepResult result, Decision.RunStep next, int percentComplete, boolean mayContinue) {
		Instant now = this.clock.instant();
		StepMessage nextMessage = new StepMessage(message.jobId(), UUID.randomUUID(), message.workflow(), next.step(),
				1, next.input(), message.stepContext(), message.userContext(), message.trace(),
				message.definitionVersion(), message.concurrencyKey());
		String nextPool = this.bindings.pool(message.workflow(), next.step());
		boolean continues = mayContinue && continuesHere(workflow, message.step(), next.step());
		OutboxEntity row = continues ? null : this.outbox.row(nextMessage, nextPool, now);
		if (continues) {
			// The message is not sent, but it is held to the limit all the same: a job's steps do not depend on where
			// they run.
			this.json.encode(nextMessage);
		}
		StepCompletions.Completion completion = this.completions.completeAndInsertNext(
				done(message, epoch, result, now),
				new StepCompletions.NextStep(message.jobId(), percentComplete, nextMessage.stepExecutionId(),
						next.step(), this.json.write(next.input()), nextPool,
						continues ? this.settings.leaseExpiry(now) : this.settings.claimDeadline(now), row,
						continues ? this.settings.workerId() : null));
		if (completion == StepCompletions.Completion.NOT_RUNNING) {
			JobTransitions.lostClaim(message, epoch);
		}
		if (completion != StepCompletions.Completion.DONE) {
			return Outcome.NONE;
		}
		completed(message, false);
		return (row != null) ? new Outcome(List.of(OutboxMessages.outbound(row)), null) : new Outcome(List.of(),
				nextMessage);
	}

	/**
	 * The common completion of a workflow method's step, in plain SQL and a transaction of its own: the step
	 * completes, the method is replayed, and it decides one of the common things: steps to run now, waiting for
	 * steps still running, or completing a job that has no parent. Anything else (a recorded value, a timer, an
	 * event, a child, a new step context, a failure, a job that has ended) is rolled back and left to the general
	 * path, which replays again.
	 * @return what was recorded, or {@code null} if the general path must decide
	 */
	private @Nullable Outcome completeAndReplay(WorkflowDefinition workflow, StepMessage message, int epoch,
			StepResult result, boolean mayContinue) {
		if (result.replacesStepContext()) {
			return null;
		}
		Completed completed = this.transactions.execute((status) -> {
			JobRows.LockedJob job = this.jobs.lockForReplay(message.jobId());
			// Read after the lock, so that completion times follow the order of completions (Workflows.any).
			Instant now = this.clock.instant();
			if (job == null || job.status().isFinal()
					|| this.completions.completeRunning(done(message, epoch, result, now)) == null) {
				status.setRollbackOnly();
				return null;
			}
			List<StepExecutionEntity> history = this.history.latestAttempts(message.jobId(), this.steps::historyRows);
			AtomicBoolean asksForKeptEvent = new AtomicBoolean();
			Decision decision = this.bindings.orchestration().replay(workflow, this.json.parse(job.input()),
					this.json.parse(job.stepContext()), history, (name) -> {
						asksForKeptEvent.set(true);
						return null;
					});
			if (asksForKeptEvent.get() || decision.stepContext() != null
					|| !decision.runsStepsOnly()
					|| (decision.end() != null && (decision.end().status() != JobStatus.COMPLETED || job.child()))) {
				status.setRollbackOnly();
				return null;
			}
			if (decision.end() != null) {
				this.jobs.countAndComplete(message.jobId(), this.json.write(decision.end().output()), now);
				return new Completed(Outcome.NONE, true);
			}
			OutboxMessages.JobContexts contexts = decision.dispatches().isEmpty() ? null
					: new OutboxMessages.JobContexts(this.json.parse(job.stepContext()),
							this.json.parse(job.userContext()), this.json.readTrace(job.traceContext()), null,
							message.concurrencyKey());
			boolean continues = mayContinue && decision.dispatches().size() == 1
					&& continuesHere(workflow, message.step(), decision.dispatches().get(0).step());
			List<StepExecutionEntity> steps = new ArrayList<>(decision.dispatches().size());
			List<OutboxEntity> rows = new ArrayList<>(decision.dispatches().size());
			StepMessage nextMessage = null;
			for (Decision.Dispatch dispatch : decision.dispatches()) {
				StepExecutionEntity execution = new StepExecutionEntity(UUID.randomUUID(), message.jobId(),
						history.size() + steps.size(), dispatch.step(), 1, this.json.write(dispatch.input()), now);
				execution.setPool(this.bindings.registry().pool(workflow, dispatch.step()));
				steps.add(execution);
				if (continues) {
					execution.claimOnCreation(this.settings.workerId(), now, this.settings.leaseExpiry(now));
					nextMessage = this.outbox.message(workflow.name(), contexts, execution, dispatch.input());
					this.json.encode(nextMessage);
				}
				else {
					execution.setLeaseExpiresAt(this.settings.claimDeadline(now));
					rows.add(this.outbox.row(workflow.name(), contexts, execution, dispatch.input(), now, false));
				}
			}
			String currentStep = steps.isEmpty() ? null : steps.get(steps.size() - 1).getStepName();
			this.completions.countAndQueue(message.jobId(), decision.percentComplete(), currentStep, steps, rows);
			return new Completed(new Outcome(rows.stream().map(OutboxMessages::outbound).toList(), nextMessage),
					false);
		});
		if (completed == null) {
			return null;
		}
		completed(message, completed.jobCompleted());
		return completed.outcome();
	}

	/**
	 * Tells the application what a fast path recorded, once it has committed: the step completed, and perhaps its
	 * job, whose history is then forgotten.
	 */
	private void completed(StepMessage message, boolean jobCompleted) {
		this.events.publish(new WorkflowEvent.StepCompleted(message.jobId(), message.workflow(), message.step(),
				message.attempt(), message.stepExecutionId()));
		if (jobCompleted) {
			this.history.forget(message.jobId());
			this.events.publish(new WorkflowEvent.JobCompleted(message.jobId(), message.workflow()));
			this.transitions.freePlaceAfterCommit(message.workflow(), message.concurrencyKey());
		}
	}

	/**
	 * The result of a step, to record on its execution under the claim this worker holds.
	 */
	private StepCompletions.StepDone done(StepMessage message, int epoch, StepResult result, Instant now) {
		return new StepCompletions.StepDone(new StepExecutions.HeldClaim(message.stepExecutionId(), message.attempt(),
				epoch), this.json.write(result.value()), now);
	}

}

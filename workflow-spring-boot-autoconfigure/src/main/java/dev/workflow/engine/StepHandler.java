package dev.workflow.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.workflow.api.JobError;
import dev.workflow.api.JobInfo;
import dev.workflow.api.StepOutcomeNotRecordedException;
import dev.workflow.api.StepStatus;
import dev.workflow.api.StepTimeoutException;
import dev.workflow.api.WorkflowEvent;
import dev.workflow.api.WorkflowException;
import dev.workflow.observation.StepObservationContext;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.DataAccessFailures;
import dev.workflow.store.JobRows;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.store.StepExecutions;
import dev.workflow.transport.OutboundMessage;
import dev.workflow.transport.PoisonMessageException;
import dev.workflow.transport.StepMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.slf4j.MDC;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Handles a step message: decodes it, hands back what this instance has no code for, claims the step, runs it, and
 * has its outcome recorded by {@link StepCompletion} or {@link StepFailures}. While the database is away the message
 * goes back to the broker.
 */
final class StepHandler {

	private static final Log logger = LogFactory.getLog(StepHandler.class);

	private final StepBindings bindings;

	private final JobRows jobs;

	private final StepExecutions steps;

	private final TransactionTemplate transactions;

	private final WorkflowJson json;

	private final EngineSettings settings;

	private final Clock clock;

	private final RunningSteps running;

	private final EngineObservations observations;

	private final UnknownWork unknownWork;

	private final DefinitionVersions definitions;

	private final JobTransitions transitions;

	private final StepCompletion completion;

	private final StepFailures failures;

	private final OutboxMessages outbox;

	private final EngineEvents events;

	private final AtomicBoolean stopping;

	StepHandler(StepBindings bindings, JobRows jobs, StepExecutions steps, TransactionTemplate transactions,
			WorkflowJson json, EngineSettings settings, Clock clock, RunningSteps running,
			EngineObservations observations, UnknownWork unknownWork, DefinitionVersions definitions,
			JobTransitions transitions, StepCompletion completion, StepFailures failures, OutboxMessages outbox,
			EngineEvents events, AtomicBoolean stopping) {
		this.bindings = bindings;
		this.jobs = jobs;
		this.steps = steps;
		this.transactions = transactions;
		this.json = json;
		this.settings = settings;
		this.clock = clock;
		this.running = running;
		this.observations = observations;
		this.unknownWork = unknownWork;
		this.definitions = definitions;
		this.transitions = transitions;
		this.completion = completion;
		this.failures = failures;
		this.outbox = outbox;
		this.events = events;
		this.stopping = stopping;
	}

	/**
	 * Handles the body of a step message, with the logging context naming its job and step.
	 * @param body the message's body
	 */
	void handle(byte[] body) {
		StepMessage message = this.json.decode(body);
		// Every line logged while the step is handled (the step's own lines among them) names its job and step.
		MDC.put(WorkflowEngine.MDC_JOB_ID, message.jobId().toString());
		MDC.put(WorkflowEngine.MDC_WORKFLOW, message.workflow());
		MDC.put(WorkflowEngine.MDC_STEP, message.step());
		try {
			handle(message);
		}
		finally {
			MDC.remove(WorkflowEngine.MDC_JOB_ID);
			MDC.remove(WorkflowEngine.MDC_WORKFLOW);
			MDC.remove(WorkflowEngine.MDC_STEP);
		}
	}

	private void handle(StepMessage message) {
		WorkflowDefinition workflow = this.bindings.registry().find(message.workflow());
		StepInvoker invoker = this.bindings.invoker(workflow, message.step());
		// This instance's code may also be behind the job: a newer definition of its pipeline, or a history that a
		// newer release of its workflow method wrote.
		String behind = (invoker == null) ? null
				: (message.definitionVersion() != null) ? this.definitions.newer(workflow, message.definitionVersion())
						: this.unknownWork.behind(message);
		if (invoker == null || behind != null) {
			JobError timedOut = this.unknownWork.handBack(message, workflow, behind);
			if (timedOut != null) {
				this.failures.failUnrunnable(message, timedOut, (execution) -> this.unknownWork.pastTimeout(execution,
						message.attempt()));
			}
			return;
		}
		int epoch = claim(message);
		if (epoch == 0) {
			return;
		}
		this.observations.observeStep(message, () -> runClaimed(workflow, invoker, message, epoch));
	}

	/**
	 * Runs a claimed step and records its outcome under the claim's epoch: an outcome whose claim has been lost
	 * meanwhile changes nothing. An outcome the database refuses (while it answers) fails the attempt, so that the
	 * retry policy bounds how often the step runs; while the database is away the message goes back to the broker.
	 * @return what happened, for the step's observation
	 */
	private StepObservationContext.Outcome runClaimed(WorkflowDefinition workflow, StepInvoker invoker,
			StepMessage message, int epoch) {
		JobInfo info = new JobInfo(message.jobId(), message.workflow(), message.step(), message.attempt(),
				message.stepExecutionId());
		StepCall call = new StepCall(info, message.input(), message.stepContext(), message.userContext());
		Object returned;
		try {
			returned = this.running.run(message.stepExecutionId(), epoch, invoker, call);
		}
		catch (StepInputException ex) {
			this.outbox.publish(this.transactions.execute(
					(status) -> this.failures.fail(message, JobErrors.of(ex), StepStatus.FAILED, epoch)));
			throw new PoisonMessageException(ex.getMessage() + " (job " + message.jobId() + ")", ex);
		}
		catch (Throwable ex) {
			if (this.stopping.get()) {
				throw new IllegalStateException("This worker is shutting down: step '" + message.step() + "' of job "
						+ message.jobId() + " " + handBack(message, epoch), ex);
			}
			if (ex instanceof Error && !(ex instanceof AssertionError)) {
				logger.error("Step '" + message.step() + "' of job " + message.jobId() + " failed", ex);
			}
			return failAttempt(invoker, message, epoch, ex);
		}
		List<OutboundMessage> outbound;
		try {
			StepResult result = this.completion.result(workflow, message, returned);
			outbound = this.completion.complete(workflow, message, epoch, result);
		}
		catch (WorkflowException ex) {
			this.outbox.publish(this.transactions.execute(
					(status) -> this.failures.fail(message, JobErrors.of(ex), StepStatus.FAILED, epoch)));
			return StepObservationContext.Outcome.FAILED;
		}
		catch (HistoryAheadException ex) {
			this.unknownWork.handBackAhead(message, epoch, ex);
			return StepObservationContext.Outcome.INTERRUPTED;
		}
		catch (RuntimeException ex) {
			if (transientFailure(ex)) {
				throw ex;
			}
			return failAttempt(invoker, message, epoch, new StepOutcomeNotRecordedException("The result of step '"
					+ message.step() + "' of job " + message.jobId() + " (attempt " + message.attempt()
					+ ") could not be stored: " + NestedExceptionUtils.getMostSpecificCause(ex).getMessage(), ex));
		}
		this.outbox.publish(outbound);
		return StepObservationContext.Outcome.COMPLETED;
	}

	/**
	 * Hands the claim of a step interrupted by this worker's shutdown back to the queue, so that its message, which
	 * goes back to the broker, is claimed elsewhere at once, and the attempt loses no lease.
	 * @return what becomes of the step, for the log
	 */
	private String handBack(StepMessage message, int epoch) {
		try {
			if (this.steps.release(new StepExecutions.HeldClaim(message.stepExecutionId(), message.attempt(), epoch),
					this.settings.claimDeadline(this.clock.instant()))) {
				return "is handed back to the queue";
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not hand back step execution " + message.stepExecutionId(), ex);
		}
		return "runs again elsewhere once its lease lapses";
	}

	/**
	 * Records a failed attempt: a retry after the delay its step's policy gives, or the job's failure.
	 * @return what happened, for the step's observation
	 */
	private StepObservationContext.Outcome failAttempt(StepInvoker invoker, StepMessage message, int epoch,
			Throwable failure) {
		Duration delay = invoker.retryPolicy().retryDelay(message.attempt(), failure);
		this.outbox.publish(
				this.transactions.execute((status) -> this.failures.failOrRetry(message, failure, delay, epoch)));
		return (delay != null) ? StepObservationContext.Outcome.RETRIED
				: (failure instanceof StepTimeoutException) ? StepObservationContext.Outcome.TIMED_OUT
						: StepObservationContext.Outcome.FAILED;
	}

	/**
	 * Whether a failure to record an outcome may pass: a conflict with another transaction, a connection lost or
	 * refused, an operator's intervention, resources the database ran short of, or a database that does not answer
	 * now. Anything else the database said about this outcome (a value, a constraint, a trigger of its own), and it
	 * would say it again.
	 */
	private boolean transientFailure(RuntimeException ex) {
		if (DataAccessFailures.isTransient(ex)) {
			return true;
		}
		try {
			this.jobs.ping();
			return false;
		}
		catch (RuntimeException away) {
			return true;
		}
	}

	/**
	 * Claims the step execution of a message in one statement that commits on its own: the claim only guards
	 * against a second delivery running the step at the same time, and a lost claim is taken again by the
	 * redelivery.
	 * @return the epoch of the claim, or 0 if the step is not to run here
	 */
	private int claim(StepMessage message) {
		Instant now = this.clock.instant();
		StepExecutions.Claimed claimed = this.steps.claim(new StepExecutions.ClaimRequest(message.stepExecutionId(),
				message.attempt(), message.step(), this.settings.workerId(), now, now.plus(this.settings.leaseDuration())));
		StepExecutions.Claim claim = claimed.outcome();
		if (claim == StepExecutions.Claim.NOT_CLAIMABLE) {
			logger.debug("Ignoring a delivery of step execution " + message.stepExecutionId() + " attempt "
					+ message.attempt() + ": it has ended, or runs on a worker whose lease holds");
			return 0;
		}
		if (claim == StepExecutions.Claim.JOB_ENDED) {
			this.transactions.executeWithoutResult((status) -> {
				StepExecutionEntity execution = this.steps.find(message.stepExecutionId());
				if (execution != null) {
					this.transitions.cancelIfJobEnded(this.jobs.find(message.jobId()), execution, now);
				}
			});
			return 0;
		}
		this.events.publish(new WorkflowEvent.StepStarted(message.jobId(), message.workflow(), message.step(),
				message.attempt(), message.stepExecutionId()));
		return claimed.epoch();
	}

}

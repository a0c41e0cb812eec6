package dev.workflow.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

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
 * <p>
 * When a completion claims the job's next step for this worker, the step runs at once on the same thread, and so on
 * along the job: a chain, bounded by {@code workflow.worker.chain-steps} and {@code workflow.worker.chain-time-slice},
 * past which the next step goes through the broker, so that the consumer serves other jobs too.
 */
final class StepHandler {

	private static final Log logger = LogFactory.getLog(StepHandler.class);

	private static final long IDLE_POLL_NANOS = Duration.ofMillis(10).toNanos();

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

	private final Pauses pauses;

	private final RateGate rates;

	/** How many messages the consumers' threads are handling now. */
	private final AtomicInteger handling = new AtomicInteger();

	StepHandler(StepBindings bindings, JobRows jobs, StepExecutions steps, TransactionTemplate transactions,
			WorkflowJson json, EngineSettings settings, Clock clock, RunningSteps running,
			EngineObservations observations, UnknownWork unknownWork, DefinitionVersions definitions,
			JobTransitions transitions, StepCompletion completion, StepFailures failures, OutboxMessages outbox,
			EngineEvents events, AtomicBoolean stopping, Pauses pauses, RateGate rates) {
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
		this.pauses = pauses;
		this.rates = rates;
	}

	/**
	 * Handles the body of a step message, with the logging context naming its job and step.
	 * @param body the message's body
	 */
	void handle(byte[] body) {
		this.handling.incrementAndGet();
		try {
			handleCounted(body);
		}
		finally {
			this.handling.decrementAndGet();
		}
	}

	/**
	 * Waits until no message is being handled any more, or for the given time: once this instance's steps have been
	 * interrupted at shutdown, so that their hand-backs reach the database and the broker before those connections
	 * close.
	 * @param timeout the longest wait
	 * @return how many messages are still being handled
	 */
	int awaitIdle(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.handling.get() > 0 && deadline - System.nanoTime() > 0) {
			LockSupport.parkNanos(IDLE_POLL_NANOS);
		}
		return this.handling.get();
	}

	private void handleCounted(byte[] body) {
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
		int epoch = claim(workflow, message);
		if (epoch == 0) {
			return;
		}
		StepChain chain = new StepChain(this.settings);
		this.observations.observeStep(message, () -> runClaimed(workflow, invoker, message, epoch, chain));
		for (StepMessage next = chain.next(); next != null; next = chain.next()) {
			StepMessage step = next;
			MDC.put(WorkflowEngine.MDC_STEP, step.step());
			if (this.stopping.get()) {
				// Claimed for this worker just before it began to stop: not started, handed back with a message.
				logger.info("This worker is shutting down: step '" + step.step() + "' of job " + step.jobId() + " "
						+ handBack(step, StepExecutions.FIRST_CLAIM_EPOCH));
				return;
			}
			this.events.publish(new WorkflowEvent.StepStarted(step.jobId(), step.workflow(), step.step(),
					step.attempt(), step.stepExecutionId()));
			StepInvoker stepInvoker = this.bindings.invoker(workflow, step.step());
			this.observations.observeStep(step,
					() -> runClaimed(workflow, stepInvoker, step, StepExecutions.FIRST_CLAIM_EPOCH, chain));
		}
	}

	/**
	 * Runs a claimed step and records its outcome under the claim's epoch: an outcome whose claim has been lost
	 * meanwhile changes nothing. An outcome the database refuses (while it answers) fails the attempt, so that the
	 * retry policy bounds how often the step runs; while the database is away the message goes back to the broker.
	 * @return what happened, for the step's observation
	 */
	private StepObservationContext.Outcome runClaimed(WorkflowDefinition workflow, StepInvoker invoker,
			StepMessage message, int epoch, StepChain chain) {
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
			if (chain.inProcess()) {
				// The message this worker received was that of an earlier step, which completed.
				logger.error(ex.getMessage() + " (job " + message.jobId() + ")");
				return StepObservationContext.Outcome.FAILED;
			}
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
		StepCompletion.Outcome outcome;
		try {
			StepResult result = this.completion.result(workflow, message, returned);
			outcome = this.completion.complete(workflow, message, epoch, result,
					chain.mayContinue() && !this.stopping.get() && !this.pauses.isPaused(workflow.name())
							&& !this.rates.mayHold(workflow));
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
		this.outbox.publish(outcome.outbound());
		chain.continueWith(outcome.next());
		return StepObservationContext.Outcome.COMPLETED;
	}

	/**
	 * Hands the claim of a step interrupted by this worker's shutdown back to the queue, with a message of its own,
	 * so that it is claimed elsewhere at once and the attempt loses no lease. The message this worker received may
	 * not be the step's (a step run in-process has none), and one that goes back to the broker may have reached
	 * another worker while this one still held the claim, which then discarded it; a duplicate is discarded by the
	 * claim.
	 * @return what becomes of the step, for the log
	 */
	private String handBack(StepMessage message, int epoch) {
		try {
			StepExecutions.HeldClaim claim = new StepExecutions.HeldClaim(message.stepExecutionId(),
					message.attempt(), epoch);
			List<OutboundMessage> outbound = this.transactions.execute((status) -> {
				Instant now = this.clock.instant();
				if (!this.steps.release(claim, this.settings.claimDeadline(now))) {
					return null;
				}
				return List.of(this.outbox.redispatch(message, this.bindings.pool(message.workflow(), message.step()),
						now));
			});
			if (outbound != null) {
				this.outbox.publish(outbound);
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
	private int claim(WorkflowDefinition workflow, StepMessage message) {
		Instant now = this.clock.instant();
		// A paused workflow's step is held by the claim, and takes no token (the cache may be late: the hold gives
		// a token's slot up).
		if (!this.pauses.isPaused(workflow.name()) && !this.rates.admit(workflow, message, now)) {
			return 0;
		}
		StepExecutions.Claimed claimed = this.steps.claim(new StepExecutions.ClaimRequest(message.stepExecutionId(),
				message.attempt(), message.workflow(), message.step(), this.settings.workerId(), now,
				this.settings.leaseExpiry(now)));
		StepExecutions.Claim claim = claimed.outcome();
		if (claim == StepExecutions.Claim.HELD) {
			logger.debug("Holding step '" + message.step() + "' of job " + message.jobId() + ": workflow '"
					+ message.workflow() + "' is paused");
			return 0;
		}
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

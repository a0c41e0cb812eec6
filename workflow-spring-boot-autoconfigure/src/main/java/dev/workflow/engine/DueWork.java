package dev.workflow.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import dev.workflow.api.JobError;
import dev.workflow.api.StepOutcomeNotRecordedException;
import dev.workflow.api.StepStatus;
import dev.workflow.registry.WorkerPools;
import dev.workflow.store.JobEntity;
import dev.workflow.store.JobRows;
import dev.workflow.store.OutboxEntity;
import dev.workflow.store.OutboxRows;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.store.StepExecutions;
import dev.workflow.transport.MessageRefusedException;
import dev.workflow.transport.OutboundMessage;
import dev.workflow.transport.PoisonMessageException;
import dev.workflow.transport.StepMessage;
import dev.workflow.transport.StepPublisher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * The engine's background work, which recovers what was lost or postponed: retries and timers whose time has come,
 * steps whose lease lapsed or whose message was lost, outbox rows left behind or refused by the broker, and the
 * leases of the steps this instance runs. Any instance may do it; each item is claimed by one.
 */
final class DueWork {

	private static final Log logger = LogFactory.getLog(DueWork.class);

	private final StepBindings bindings;

	private final JobRows jobs;

	private final StepExecutions steps;

	private final OutboxRows outboxRows;

	private final TransactionTemplate transactions;

	private final WorkflowJson json;

	private final EngineSettings settings;

	private final Clock clock;

	private final StepPublisher publisher;

	private final RunningSteps running;

	private final JobTransitions transitions;

	private final StepFailures failures;

	private final OutboxMessages outbox;

	DueWork(StepBindings bindings, JobRows jobs, StepExecutions steps, OutboxRows outboxRows,
			TransactionTemplate transactions, WorkflowJson json, EngineSettings settings, Clock clock,
			StepPublisher publisher, RunningSteps running, JobTransitions transitions, StepFailures failures,
			OutboxMessages outbox) {
		this.bindings = bindings;
		this.jobs = jobs;
		this.steps = steps;
		this.outboxRows = outboxRows;
		this.transactions = transactions;
		this.json = json;
		this.settings = settings;
		this.clock = clock;
		this.publisher = publisher;
		this.running = running;
		this.transitions = transitions;
		this.failures = failures;
		this.outbox = outbox;
	}

	/**
	 * Ends the jobs past their deadline TIMED_OUT, a batch in one transaction, skipping jobs another transaction
	 * holds (they are taken at a later turn).
	 * @return how many ended
	 */
	int timeOutJobs() {
		int[] ended = new int[1];
		List<OutboundMessage> outbound = this.transactions.execute((status) -> {
			Instant now = this.clock.instant();
			List<OutboundMessage> messages = new ArrayList<>();
			for (UUID id : this.jobs.claimPastDeadline(now, this.settings.batchSize())) {
				JobEntity job = this.jobs.lock(id);
				if (job != null && !job.getStatus().isFinal()) {
					messages.addAll(this.transitions.timeOut(job, now));
					ended[0]++;
				}
			}
			return messages;
		});
		this.outbox.publish(outbound);
		return ended[0];
	}

	/**
	 * Moves retries whose time has come to the broker.
	 * @return how many were dispatched
	 */
	int dispatchDueRetries() {
		return dispatchClaimed((now) -> this.steps.claimDueRetries(now, this.settings.batchSize()), "retry");
	}

	/**
	 * Dispatches again the running steps whose worker stopped renewing their lease, and the queued ones no worker
	 * claimed within the claim timeout (their message is taken as lost). An attempt whose lease has lapsed more often
	 * than {@link EngineSettings#maxLeaseLapses()} allows fails instead, and its step's retry policy decides what
	 * follows.
	 * @return how many were dispatched
	 */
	int dispatchExpiredLeases() {
		return dispatchClaimed((now) -> this.steps.claimExpiredLeases(now, this.settings.batchSize()), "lease");
	}

	private int dispatchClaimed(Function<Instant, List<StepExecutionEntity>> claim, String why) {
		List<OutboundMessage> outbound = this.transactions.execute((status) -> {
			Instant now = this.clock.instant();
			List<OutboundMessage> messages = new ArrayList<>();
			for (StepExecutionEntity execution : claim.apply(now)) {
				if (execution.getStepName().equals(Replay.CHILD_ENTRY)) {
					this.transitions.cancelChildOfEndedJob(execution, now);
					continue;
				}
				JobEntity job = this.jobs.find(execution.getJobId());
				if (this.transitions.cancelIfJobEnded(job, execution, now)) {
					continue;
				}
				String about = "Step '" + execution.getStepName() + "' of job " + execution.getJobId() + " (attempt "
						+ execution.getAttempt() + ")";
				if (why.equals("lease") && execution.getStatus() == StepStatus.RUNNING) {
					execution.countLeaseLapse();
					if (execution.getLeaseLapses() > this.settings.maxLeaseLapses()) {
						messages.addAll(abandon(job, execution, about, now));
						continue;
					}
					logger.warn(about + " ran on " + execution.getWorkerId() + ", whose lease lapsed; dispatching it "
							+ "again (lapse " + execution.getLeaseLapses() + " of at most "
							+ this.settings.maxLeaseLapses() + ")");
				}
				else if (why.equals("lease") && execution.getUnrunnableSince() != null) {
					logger.debug(about + " was handed back by an instance without its code; dispatching it again");
				}
				else if (why.equals("lease")) {
					logger.warn(about + " was not claimed by any worker within " + this.settings.claimTimeout()
							+ " (workflow.worker.claim-timeout); its message is taken as lost and it is dispatched again"
							+ " (if no instance serves its worker pool '" + ((execution.getPool() != null)
									? execution.getPool() : WorkerPools.DEFAULT_NAME) + "', start one that does)");
				}
				execution.setStatus(StepStatus.QUEUED);
				execution.setLeaseExpiresAt(this.settings.claimDeadline(now));
				execution.fenceOffClaims();
				messages.add(this.outbox.redispatch(job, this.outbox.contexts(job), execution,
						this.json.parse(execution.getInput()), now));
			}
			return messages;
		});
		this.outbox.publish(outbound);
		return (outbound != null) ? outbound.size() : 0;
	}

	/**
	 * Ends an attempt whose lease has lapsed too often as failed, with its step's retry policy deciding what follows.
	 */
	private List<OutboundMessage> abandon(JobEntity job, StepExecutionEntity execution, String about, Instant now) {
		StepOutcomeNotRecordedException failure = new StepOutcomeNotRecordedException(about + " lost its worker's "
				+ "lease " + execution.getLeaseLapses() + " times without recording an outcome (last on "
				+ execution.getWorkerId() + "; more than workflow.worker.max-lease-lapses="
				+ this.settings.maxLeaseLapses() + "): its worker crashed, hung or could not store the outcome each "
				+ "time; see that worker's log");
		StepInvoker invoker = this.bindings.invoker(this.bindings.registry().find(job.getWorkflowName()),
				execution.getStepName());
		Duration delay = (invoker != null) ? invoker.retryPolicy().retryDelay(execution.getAttempt(), failure) : null;
		logger.error(failure.getMessage() + ((delay != null) ? "; the attempt counts as failed and is retried"
				: "; the attempt counts as failed, and the job fails"));
		return this.failures.endAttempt(job, execution, job.getWorkflowName(), StepStatus.FAILED,
				JobErrors.of(failure), delay, now);
	}

	/**
	 * Publishes outbox rows that a crash left behind, or that the broker did not confirm, and deletes those the broker
	 * confirms. A row whose message was not confirmed before goes out alone, so that what the broker answers is about
	 * it; a message the broker refuses is tried again after a wait that doubles, and after
	 * {@code workflow.broker.max-refusals} refusals its step and job fail with the broker's reason and its row is
	 * deleted. A broker that cannot be reached refuses nothing: the rows stay for as long as it takes.
	 * @return how many were published
	 */
	int relayOutbox() {
		List<OutboundMessage> afterwards = new ArrayList<>();
		Integer relayed = this.transactions.execute((status) -> {
			Instant now = this.clock.instant();
			List<OutboxEntity> rows = this.outboxRows.claimStale(now.minus(this.settings.outboxRelayAfter()), now,
					this.settings.batchSize());
			if (rows.isEmpty()) {
				return 0;
			}
			StepPublisher.Confirms together = this.publisher.publish(rows.stream()
				.filter((row) -> !row.failedBefore())
				.map(OutboxMessages::outbound)
				.toList());
			StepPublisher.Confirms alone = this.publisher.publishAlone(rows.stream()
				.filter(OutboxEntity::failedBefore)
				.map(OutboxMessages::outbound)
				.toList());
			List<UUID> done = new ArrayList<>(together.confirmed());
			done.addAll(alone.confirmed());
			int confirmed = done.size();
			for (OutboxEntity row : rows) {
				String refusal = alone.refused().get(row.getId());
				String declined = alone.declined().get(row.getId());
				String notConfirmed = together.notConfirmed().getOrDefault(row.getId(),
						alone.notConfirmed().get(row.getId()));
				if (refusal != null && row.getRefusals() + 1 >= this.settings.maxRefusals()) {
					afterwards.addAll(failRefused(row, refusal));
					done.add(row.getId());
				}
				else if (refusal != null) {
					Duration wait = refusalWait(row.getRefusals() + 1);
					row.refused(refusal, now.plus(wait));
					logger.warn("The broker refused outbox message " + row.getId() + " (" + refusal + "), "
							+ row.getRefusals() + " of workflow.broker.max-refusals=" + this.settings.maxRefusals()
							+ " times; trying it again in " + wait.toMillis() + " ms");
				}
				else if (declined != null) {
					// A queue deleted, unbound, full or without a leader: that passes, or an operator mends it.
					row.declined(declined, now.plus(this.settings.outboxRelayAfter()));
					logger.warn("The broker declined outbox message " + row.getId() + " (" + declined + "); trying "
							+ "it again in " + this.settings.outboxRelayAfter().toMillis() + " ms");
				}
				else if (notConfirmed != null) {
					row.notConfirmed(notConfirmed);
				}
			}
			this.outboxRows.delete(done);
			return confirmed;
		});
		this.outbox.publish(afterwards);
		return (relayed != null) ? relayed : 0;
	}

	/**
	 * How long a refused message waits before the relay tries it again: the relay's own delay, doubled after each
	 * refusal, at most five minutes.
	 */
	private Duration refusalWait(int refusals) {
		Duration wait = this.settings.outboxRelayAfter().multipliedBy(1L << Math.min(refusals - 1, 16));
		return (wait.compareTo(Duration.ofMinutes(5)) > 0) ? Duration.ofMinutes(5) : wait;
	}

	/**
	 * Fails the step and job of a message the broker refused for good, through the engine's failure path.
	 * @return the messages the job's end calls for (a parent's next steps)
	 */
	private List<OutboundMessage> failRefused(OutboxEntity row, String refusal) {
		String howOften = (row.getRefusals() + 1) + " times, the most workflow.broker.max-refusals allows; it was sent "
				+ "to exchange '" + row.getExchange() + "' with routing key '" + row.getRoutingKey() + "', and the last "
				+ "time " + refusal;
		StepMessage message;
		try {
			message = this.json.decode(row.getPayload().getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		catch (PoisonMessageException ex) {
			logger.error("The broker refused the message of outbox row " + row.getId() + " " + howOften
					+ ". It holds no step message (" + ex.getMessage() + "); deleting it");
			return List.of();
		}
		String problem = "The broker refused the message of step '" + message.step() + "' (attempt "
				+ message.attempt() + ") of job " + message.jobId() + " of workflow '" + message.workflow() + "' "
				+ howOften + ". A message refused this often is refused for good (larger than the broker's "
				+ "max_message_size, or for an exchange that does not exist), so the job fails.";
		logger.error(problem);
		// The step was never delivered, so it is queued: failed as a step that cannot run at all.
		return this.failures.fail(message, new JobError(MessageRefusedException.class.getName(), problem, null),
				StepStatus.FAILED, 0);
	}

	/**
	 * Extends the leases of the steps this instance is running.
	 */
	void renewLeases() {
		Map<UUID, Integer> claims = this.running.leased();
		if (!claims.isEmpty()) {
			this.steps.renewLeases(claims, this.settings.leaseExpiry(this.clock.instant()));
		}
	}

}

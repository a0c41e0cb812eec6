package dev.workflow.store;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

import dev.workflow.api.StepStatus;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One execution of a step: an entry of its job's history.
 */
@Entity
@DynamicUpdate
@Table(name = "wf_step_execution")
public class StepExecutionEntity {

	@Id
	private UUID id;

	@Column(name = "job_id", nullable = false)
	private UUID jobId;

	@Column(nullable = false)
	private int sequence;

	@Column(name = "step_name", nullable = false)
	private String stepName;

	@Column(nullable = false)
	private int attempt;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false)
	private StepStatus status;

	@JdbcTypeCode(SqlTypes.JSON)
	private @Nullable String input;

	@JdbcTypeCode(SqlTypes.JSON)
	private @Nullable String output;

	@Column(name = "error_type")
	private @Nullable String errorType;

	@Column(name = "error_message")
	private @Nullable String errorMessage;

	@Column(name = "error_stack")
	private @Nullable String errorStack;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	@Column(name = "started_at")
	private @Nullable Instant startedAt;

	@Column(name = "finished_at")
	private @Nullable Instant finishedAt;

	@Column(name = "worker_id")
	private @Nullable String workerId;

	@Column(name = "due_at")
	private @Nullable Instant dueAt;

	@Column(name = "lease_expires_at")
	private @Nullable Instant leaseExpiresAt;

	@Column(name = "claim_epoch", nullable = false)
	private int claimEpoch;

	@Column(name = "lease_lapses", nullable = false)
	private int leaseLapses;

	@Column(updatable = false)
	private @Nullable String pool;
	@Column(name = "unrunnable_since")
	private @Nullable Instant unrunnableSince;

	@Column(name = "hand_backs", nullable = false)
	private int handBacks;

	@Transient
	private transient @Nullable JsonNode inputTree;

	@Transient
	private transient @Nullable JsonNode outputTree;

	@Version
	private long version;

	protected StepExecutionEntity() {
		// for JPA
		this.id = new UUID(0, 0);
		this.jobId = this.id;
		this.stepName = "";
		this.status = StepStatus.QUEUED;
		this.createdAt = Instant.EPOCH;
	}

	public StepExecutionEntity(UUID id, UUID jobId, int sequence, String stepName, int attempt,
			@Nullable String input, Instant createdAt) {
		this(id, jobId, sequence, stepName, attempt, input, createdAt, null);
	}

	public StepExecutionEntity(UUID id, UUID jobId, int sequence, String stepName, int attempt,
			@Nullable String input, Instant createdAt, @Nullable Instant dueAt) {
		this.id = id;
		this.jobId = jobId;
		this.sequence = sequence;
		this.stepName = stepName;
		this.attempt = attempt;
		this.status = (dueAt != null) ? StepStatus.SCHEDULED : StepStatus.QUEUED;
		this.dueAt = dueAt;
		this.input = input;
		this.createdAt = createdAt;
	}

	/**
	 * Returns the worker pool the step execution runs in, whose queue its messages are routed to.
	 * @return the pool's name, or {@code null} for the default pool
	 */
	public @Nullable String getPool() {
		return this.pool;
	}

	/**
	 * Sets the worker pool, before the step execution is first stored.
	 * @param pool the pool's name, {@code null} or empty for the default pool
	 */
	public void setPool(@Nullable String pool) {
		this.pool = (pool == null || pool.isEmpty()) ? null : pool;
	}

	public UUID getId() {
		return this.id;
	}

	public UUID getJobId() {
		return this.jobId;
	}

	public int getSequence() {
		return this.sequence;
	}

	public String getStepName() {
		return this.stepName;
	}

	public int getAttempt() {
		return this.attempt;
	}

	public StepStatus getStatus() {
		return this.status;
	}

	public void setStatus(StepStatus status) {
		this.status = status;
	}

	public @Nullable String getInput() {
		return this.input;
	}

	public @Nullable String getOutput() {
		return this.output;
	}

	public void setOutput(@Nullable String output) {
		this.output = output;
		this.outputTree = null;
	}

	/**
	 * Returns the input as a JSON tree, parsed on the first call only: a workflow method's replays read the entries
	 * of its (cached) history again and again.
	 * @param parser parses JSON text
	 * @return the input, or {@code null}
	 */
	public @Nullable JsonNode inputTree(Function<String, JsonNode> parser) {
		if (this.inputTree == null && this.input != null) {
			this.inputTree = parser.apply(this.input);
		}
		return this.inputTree;
	}

	/**
	 * Returns the output as a JSON tree, parsed on the first call after it was set.
	 * @param parser parses JSON text
	 * @return the output, or {@code null}
	 */
	public @Nullable JsonNode outputTree(Function<String, JsonNode> parser) {
		if (this.outputTree == null && this.output != null) {
			this.outputTree = parser.apply(this.output);
		}
		return this.outputTree;
	}

	public @Nullable String getErrorType() {
		return this.errorType;
	}

	public @Nullable String getErrorMessage() {
		return this.errorMessage;
	}

	public @Nullable String getErrorStack() {
		return this.errorStack;
	}

	public void setError(@Nullable String type, @Nullable String message, @Nullable String stack) {
		this.errorType = type;
		this.errorMessage = message;
		this.errorStack = stack;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

	public @Nullable Instant getStartedAt() {
		return this.startedAt;
	}

	public void setStartedAt(@Nullable Instant startedAt) {
		this.startedAt = startedAt;
	}

	public @Nullable Instant getFinishedAt() {
		return this.finishedAt;
	}

	public void setFinishedAt(@Nullable Instant finishedAt) {
		this.finishedAt = finishedAt;
	}

	public @Nullable String getWorkerId() {
		return this.workerId;
	}

	public void setWorkerId(@Nullable String workerId) {
		this.workerId = workerId;
	}

	public @Nullable Instant getDueAt() {
		return this.dueAt;
	}

	public void setDueAt(@Nullable Instant dueAt) {
		this.dueAt = dueAt;
	}

	public @Nullable Instant getLeaseExpiresAt() {
		return this.leaseExpiresAt;
	}

	public void setLeaseExpiresAt(@Nullable Instant leaseExpiresAt) {
		this.leaseExpiresAt = leaseExpiresAt;
	}

	/**
	 * Returns how many times the execution has been claimed: the fencing token of its latest claim. Every statement
	 * that ends the attempt or renews its lease names the epoch its worker holds, so a lost claim changes nothing.
	 * @return the epoch of the latest claim, 0 if never claimed
	 */
	public int getClaimEpoch() {
		return this.claimEpoch;
	}

	/**
	 * Makes a new execution running under the first claim of a worker, which runs it at once: the worker that
	 * completed the step before it continues the job in-process.
	 * @param workerId the worker
	 * @param now the time, when the execution is created and starts
	 * @param leaseExpiresAt when the worker's lease lapses unless renewed
	 */
	public void claimOnCreation(String workerId, Instant now, Instant leaseExpiresAt) {
		this.status = StepStatus.RUNNING;
		this.workerId = workerId;
		this.startedAt = now;
		this.leaseExpiresAt = leaseExpiresAt;
		this.claimEpoch = StepExecutions.FIRST_CLAIM_EPOCH;
	}

	/**
	 * Takes the next claim epoch without a claim, when the engine queues the execution again: a claim it replaces
	 * (one whose lease lapsed, or one a database crash lost, since claims commit asynchronously) can then change
	 * nothing, whatever epoch the next claim takes.
	 */
	public void fenceOffClaims() {
		this.claimEpoch++;
	}

	/**
	 * Returns how often the lease of this attempt has lapsed.
	 * @return the lapses so far
	 */
	public int getLeaseLapses() {
		return this.leaseLapses;
	}

	/**
	 * Counts a lapse of this attempt's lease.
	 */
	public void countLeaseLapse() {
		this.leaseLapses++;
	}

	/**
	 * Returns since when this queued attempt waits for an instance that has the code to run it: instances without
	 * it handed it back (see {@link StepExecutions#handBack}).
	 * @return the time of the first hand-back, or {@code null} if it was not handed back since its last claim
	 */
	public @Nullable Instant getUnrunnableSince() {
		return this.unrunnableSince;
	}

	/**
	 * Returns how often this attempt was handed back by instances without its code since its last claim.
	 * @return the hand-backs
	 */
	public int getHandBacks() {
		return this.handBacks;
	}

	/**
	 * Records the entry as completed with a value, without running anything: engine calls and events.
	 * @param value the value, as JSON
	 * @param now the current time
	 */
	public void recordCompleted(@Nullable String value, Instant now) {
		this.status = StepStatus.COMPLETED;
		setOutput(value);
		this.dueAt = null;
		this.startedAt = now;
		this.finishedAt = now;
	}

	/**
	 * Makes the entry wait, with no due time, for something outside it: a child job.
	 */
	public void waitForChild() {
		this.status = StepStatus.SCHEDULED;
		this.dueAt = null;
	}

}

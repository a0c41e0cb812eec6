package dev.workflow.store;

import java.time.Instant;
import java.util.UUID;

import dev.workflow.api.JobStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;

/**
 * One job: a run of a workflow. JSON columns hold JSON text written by the engine's own mapper, so that what is
 * stored is exactly what the engine serialised.
 */
@Entity
@DynamicUpdate
@Table(name = "wf_job")
public class JobEntity {

	@Id
	private UUID id;

	@Column(name = "workflow_name", nullable = false)
	private String workflowName;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false)
	private JobStatus status;

	@JdbcTypeCode(SqlTypes.JSON)
	private @Nullable String input;

	@JdbcTypeCode(SqlTypes.JSON)
	private @Nullable String output;

	@JdbcTypeCode(SqlTypes.JSON)
	@Column(name = "user_context", nullable = false)
	private String userContext = "{}";

	@JdbcTypeCode(SqlTypes.JSON)
	@Column(name = "step_context")
	private @Nullable String stepContext;

	@Column(name = "current_step")
	private @Nullable String currentStep;

	@Column(name = "definition_version")
	private @Nullable String definitionVersion;

	@Column(name = "steps_completed", nullable = false)
	private int stepsCompleted;

	@Column(name = "step_count", nullable = false)
	private int stepCount;

	@Column(name = "percent_complete", nullable = false)
	private int percentComplete;

	@Column(name = "error_type")
	private @Nullable String errorType;

	@Column(name = "error_message")
	private @Nullable String errorMessage;

	@Column(name = "error_stack")
	private @Nullable String errorStack;

	@Column(name = "idempotency_key")
	private @Nullable String idempotencyKey;

	@Column(name = "concurrency_key", updatable = false)
	private @Nullable String concurrencyKey;

	@Column(nullable = false, updatable = false)
	private int priority;

	@Column(name = "deadline_at", updatable = false)
	private @Nullable Instant deadlineAt;

	/** Set by a debounced start's statement only (see {@link JobRows#debounce}); cleared when the job goes. */
	@Column(name = "not_before", insertable = false)
	private @Nullable Instant notBefore;

	/** Set by a debounced start's statement only; cleared when the job goes. */
	@Column(name = "debounce_key", insertable = false)
	private @Nullable String debounceKey;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	@Column(name = "started_at")
	private @Nullable Instant startedAt;

	@Column(name = "finished_at")
	private @Nullable Instant finishedAt;

	@Column(name = "parent_entry_id")
	private @Nullable UUID parentEntryId;

	@JdbcTypeCode(SqlTypes.JSON)
	@Column(name = "trace_context", updatable = false)
	private @Nullable String traceContext;

	@Version
	private long version;

	protected JobEntity() {
		// for JPA
		this.id = new UUID(0, 0);
		this.workflowName = "";
		this.status = JobStatus.QUEUED;
		this.createdAt = Instant.EPOCH;
	}

	public JobEntity(UUID id, String workflowName, JobStatus status, Instant createdAt) {
		this.id = id;
		this.workflowName = workflowName;
		this.status = status;
		this.createdAt = createdAt;
	}

	public UUID getId() {
		return this.id;
	}

	public String getWorkflowName() {
		return this.workflowName;
	}

	public JobStatus getStatus() {
		return this.status;
	}

	public void setStatus(JobStatus status) {
		this.status = status;
	}

	public @Nullable String getInput() {
		return this.input;
	}

	public void setInput(@Nullable String input) {
		this.input = input;
	}

	public @Nullable String getOutput() {
		return this.output;
	}

	public void setOutput(@Nullable String output) {
		this.output = output;
	}

	public String getUserContext() {
		return this.userContext;
	}

	public void setUserContext(String userContext) {
		this.userContext = userContext;
	}

	public @Nullable String getStepContext() {
		return this.stepContext;
	}

	public void setStepContext(@Nullable String stepContext) {
		this.stepContext = stepContext;
	}

	public @Nullable String getCurrentStep() {
		return this.currentStep;
	}

	public void setCurrentStep(@Nullable String currentStep) {
		this.currentStep = currentStep;
	}

	/**
	 * Returns the version of the pipeline definition the job started under.
	 * @return the fingerprint of its ordered step names, or {@code null} for a workflow method or a job started
	 * before versions were recorded
	 */
	public @Nullable String getDefinitionVersion() {
		return this.definitionVersion;
	}

	/**
	 * Sets the version of the pipeline definition the job starts under.
	 * @param definitionVersion the version, or {@code null} for a workflow method
	 */
	public void setDefinitionVersion(@Nullable String definitionVersion) {
		this.definitionVersion = definitionVersion;
	}

	public int getStepsCompleted() {
		return this.stepsCompleted;
	}

	public void setStepsCompleted(int stepsCompleted) {
		this.stepsCompleted = stepsCompleted;
	}

	public int getStepCount() {
		return this.stepCount;
	}

	public void setStepCount(int stepCount) {
		this.stepCount = stepCount;
	}

	public int getPercentComplete() {
		return this.percentComplete;
	}

	public void setPercentComplete(int percentComplete) {
		this.percentComplete = percentComplete;
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

	/**
	 * Returns the key under which the job counts against its workflow's {@code keyConcurrency}.
	 * @return the key, or {@code null} for none
	 */
	public @Nullable String getConcurrencyKey() {
		return this.concurrencyKey;
	}

	public void setConcurrencyKey(@Nullable String concurrencyKey) {
		this.concurrencyKey = concurrencyKey;
	}

	/**
	 * Returns the job's priority among the jobs of its workflow that wait for a place.
	 * @return the priority
	 */
	public int getPriority() {
		return this.priority;
	}

	public void setPriority(int priority) {
		this.priority = priority;
	}

	/**
	 * Returns when a debounced job that waits may go: its window after the latest start of its key.
	 * @return the time, {@code null} for a job that was not debounced
	 */
	public @Nullable Instant getNotBefore() {
		return this.notBefore;
	}

	/**
	 * Ends a debounced job's wait: the next start of its key makes a new job.
	 */
	public void endDebounce() {
		this.notBefore = null;
		this.debounceKey = null;
	}

	/**
	 * Returns when the job times out if it has not ended.
	 * @return the deadline, or {@code null} for none
	 */
	public @Nullable Instant getDeadlineAt() {
		return this.deadlineAt;
	}

	public void setDeadlineAt(@Nullable Instant deadlineAt) {
		this.deadlineAt = deadlineAt;
	}

	public @Nullable String getIdempotencyKey() {
		return this.idempotencyKey;
	}

	public void setIdempotencyKey(@Nullable String idempotencyKey) {
		this.idempotencyKey = idempotencyKey;
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

	public @Nullable UUID getParentEntryId() {
		return this.parentEntryId;
	}

	public void setParentEntryId(@Nullable UUID parentEntryId) {
		this.parentEntryId = parentEntryId;
	}

	/**
	 * Returns the trace context of the observation that started the job, as a JSON object of propagation fields.
	 * @return the trace context, or {@code null} if the job was started without tracing
	 */
	public @Nullable String getTraceContext() {
		return this.traceContext;
	}

	public void setTraceContext(@Nullable String traceContext) {
		this.traceContext = traceContext;
	}

	public long getVersion() {
		return this.version;
	}

}

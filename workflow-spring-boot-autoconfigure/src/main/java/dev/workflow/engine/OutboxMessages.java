package dev.workflow.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.store.JobEntity;
import dev.workflow.store.OutboxEntity;
import dev.workflow.store.OutboxRows;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.transport.OutboundMessage;
import dev.workflow.transport.StepMessage;
import dev.workflow.transport.StepPublisher;
import dev.workflow.transport.WorkflowTopology;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Builds the outbox rows of step messages, stores them in the transaction that calls for them, and publishes their
 * messages after it has committed; rows the broker confirms are deleted in the background.
 */
final class OutboxMessages {

	private final OutboxRows outboxRows;

	private final WorkflowJson json;

	private final WorkflowTopology topology;

	private final StepBindings bindings;

	private final StepPublisher publisher;

	private final OutboxDeletes outboxDeletes;

	OutboxMessages(OutboxRows outboxRows, WorkflowJson json, WorkflowTopology topology, StepBindings bindings,
			StepPublisher publisher) {
		this.outboxRows = outboxRows;
		this.json = json;
		this.topology = topology;
		this.bindings = bindings;
		this.publisher = publisher;
		this.outboxDeletes = new OutboxDeletes(outboxRows::delete);
	}

	/**
	 * The contexts every message of a job carries, read once for all the messages of one decision: the step and user
	 * contexts and the trace context of the job's start.
	 *
	 * @param stepContext the job's step context
	 * @param userContext the job's user context
	 * @param trace the trace context of the job's start
	 * @param definitionVersion the version of the job's pipeline definition
	 * @param concurrencyKey the job's concurrency key
	 */
	record JobContexts(@Nullable JsonNode stepContext, @Nullable JsonNode userContext,
			@Nullable Map<String, String> trace, @Nullable String definitionVersion, @Nullable String concurrencyKey) {
	}

	/**
	 * Reads the contexts of a job's messages.
	 * @param job the job
	 * @return the contexts
	 */
	JobContexts contexts(JobEntity job) {
		return new JobContexts(this.json.parse(job.getStepContext()), this.json.parse(job.getUserContext()),
				this.json.readTrace(job.getTraceContext()), job.getDefinitionVersion(), job.getConcurrencyKey());
	}

	/**
	 * Dispatches a step execution again (a retry, a lapsed lease): its values were admitted when it was first
	 * dispatched, so its message is not held to the size limit again. The row is stored at once.
	 * @param job the job
	 * @param contexts the job's contexts
	 * @param execution the step execution
	 * @param input the step's input
	 * @param now the time
	 * @return the message to publish after commit
	 */
	OutboundMessage redispatch(JobEntity job, JobContexts contexts, StepExecutionEntity execution,
			@Nullable JsonNode input, Instant now) {
		OutboxEntity row = row(job.getWorkflowName(), contexts, execution, input, now, true);
		this.outboxRows.persist(row);
		return outbound(row);
	}

	/**
	 * Builds the outbox row of a step execution dispatched for the first time.
	 * @param job the job
	 * @param contexts the job's contexts
	 * @param execution the step execution
	 * @param input the step's input
	 * @param now the time
	 * @return the row, not yet stored
	 */
	OutboxEntity row(JobEntity job, JobContexts contexts, StepExecutionEntity execution, @Nullable JsonNode input,
			Instant now) {
		return row(job.getWorkflowName(), contexts, execution, input, now, false);
	}

	/**
	 * Builds the outbox row of a step execution.
	 * @param workflow the workflow's name
	 * @param contexts the job's contexts
	 * @param execution the step execution
	 * @param input the step's input
	 * @param now the time
	 * @param admitted whether the message's values were admitted before, so that it is not held to the size limit
	 * @return the row, not yet stored
	 */
	OutboxEntity row(String workflow, JobContexts contexts, StepExecutionEntity execution,
			@Nullable JsonNode input, Instant now, boolean admitted) {
		// The pool this instance's definition gives (a release may have moved the step), else the one stored with it.
		String pool = (this.bindings.registry().find(workflow) != null)
				? this.bindings.pool(workflow, execution.getStepName()) : execution.getPool();
		return row(message(workflow, contexts, execution, input), pool, now, admitted);
	}

	/**
	 * Builds the message of a step execution.
	 * @param workflow the workflow's name
	 * @param contexts the job's contexts
	 * @param execution the step execution
	 * @param input the step's input
	 * @return the message
	 */
	StepMessage message(String workflow, JobContexts contexts, StepExecutionEntity execution,
			@Nullable JsonNode input) {
		return new StepMessage(execution.getJobId(), execution.getId(), workflow, execution.getStepName(),
				execution.getAttempt(), input, contexts.stepContext(), contexts.userContext(), contexts.trace(),
				contexts.definitionVersion(), contexts.concurrencyKey());
	}

	/**
	 * Builds the outbox row of a step message dispatched for the first time.
	 * @param message the message
	 * @param pool the step's worker pool, {@code null} for the default pool
	 * @param now the time
	 * @return the row, not yet stored
	 * @throws dev.workflow.api.WorkflowPayloadTooLargeException if the message is larger than the limit
	 */
	OutboxEntity row(StepMessage message, @Nullable String pool, Instant now) {
		return row(message, pool, now, false);
	}

	private OutboxEntity row(StepMessage message, @Nullable String pool, Instant now, boolean admitted) {
		return new OutboxEntity(UUID.randomUUID(), this.topology.exchange(), this.topology.stepRoutingKey(pool),
				admitted ? this.json.encodeAdmitted(message) : this.json.encode(message), now);
	}

	/**
	 * Stores the outbox row of a step message whose values were admitted when it was first written, at once.
	 * @param message the message
	 * @param pool the step's worker pool, {@code null} for the default pool
	 * @param now the time
	 * @return the message to publish after commit
	 */
	OutboundMessage redispatch(StepMessage message, @Nullable String pool, Instant now) {
		OutboxEntity row = row(message, pool, now, true);
		this.outboxRows.persist(row);
		return outbound(row);
	}

	/**
	 * Stores outbox rows after the step executions they dispatch, so that the inserts of each table go out together.
	 * @param rows the rows
	 * @param outbound receives their messages
	 */
	void persist(List<OutboxEntity> rows, List<OutboundMessage> outbound) {
		for (OutboxEntity row : rows) {
			this.outboxRows.persist(row);
			outbound.add(outbound(row));
		}
	}

	/**
	 * Returns the message of an outbox row.
	 * @param row the row
	 * @return its message
	 */
	static OutboundMessage outbound(OutboxEntity row) {
		return new OutboundMessage(row.getId(), row.getExchange(), row.getRoutingKey(), row.getPayload());
	}

	/**
	 * Publishes the messages of outbox rows: once the transaction that wrote them has committed, if the engine call
	 * joined the caller's transaction (a start in a {@code @Transactional} method, say), so that no worker receives
	 * a message for rows it cannot see yet, and none at all if that transaction rolls back; else at once.
	 * @param outbound the messages, {@code null} for none
	 */
	void publish(@Nullable List<OutboundMessage> outbound) {
		if (outbound == null || outbound.isEmpty()) {
			return;
		}
		EngineEvents.afterCommit(() -> this.publisher.publishAsync(outbound, this.outboxDeletes::add));
	}

	/**
	 * Stops deleting the rows of confirmed messages.
	 */
	void stop() {
		this.outboxDeletes.stop();
	}

}

package dev.workflow.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import dev.workflow.api.JobStatus;
import dev.workflow.api.StartOptions;
import dev.workflow.api.WorkflowEvent;
import dev.workflow.api.WorkflowSerializationException;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.JobEntity;
import dev.workflow.store.JobRows;
import dev.workflow.store.OutboxEntity;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.transport.OutboundMessage;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts jobs: checks what a start is given, and stores the job with its first steps, in plain SQL when they all go
 * straight to workers.
 */
final class JobStarter {

	private final StepBindings bindings;

	private final JobRows jobs;

	private final TransactionTemplate transactions;

	private final WorkflowJson json;

	private final EngineSettings settings;

	private final Clock clock;

	private final EngineObservations observations;

	private final JobTransitions transitions;

	private final OutboxMessages outbox;

	private final EngineEvents events;

	JobStarter(StepBindings bindings, JobRows jobs, TransactionTemplate transactions, WorkflowJson json,
			EngineSettings settings, Clock clock, EngineObservations observations, JobTransitions transitions,
			OutboxMessages outbox, EngineEvents events) {
		this.bindings = bindings;
		this.jobs = jobs;
		this.transactions = transactions;
		this.json = json;
		this.settings = settings;
		this.clock = clock;
		this.observations = observations;
		this.transitions = transitions;
		this.outbox = outbox;
		this.events = events;
	}

	/**
	 * Starts a job.
	 * @param workflowName the workflow
	 * @param input the job's input
	 * @param options the options
	 * @return the job's id (of the existing job, for an idempotency key used before with this workflow), and whether
	 * this start created it
	 */
	Started start(String workflowName, @Nullable Object input, StartOptions options) {
		WorkflowDefinition workflow = this.bindings.registry().require(workflowName);
		return this.observations.observeStart(workflowName, (trace) -> start(workflow, input, options, trace));
	}

	/**
	 * Starts jobs of one workflow with the same options, in one transaction: every input is checked before anything
	 * is stored, the jobs whose first steps all go straight to workers are inserted together (one batch per table),
	 * and their first messages published together after commit.
	 * @param workflowName the workflow
	 * @param inputs the jobs' inputs
	 * @param options the options every job gets; no idempotency key
	 * @return the jobs' ids, in the order of the inputs
	 */
	List<UUID> startAll(String workflowName, List<?> inputs, StartOptions options) {
		WorkflowDefinition workflow = this.bindings.registry().require(workflowName);
		if (options.idempotencyKey() != null) {
			throw new IllegalArgumentException("An idempotency key names one job: start jobs with keys one at a time "
					+ "(start), not with startAll of workflow '" + workflowName + "'");
		}
		if (options.debounce() != null) {
			throw new IllegalArgumentException("A debounce key collapses starts into one job: start debounced jobs one "
					+ "at a time (start), not with startAll of workflow '" + workflowName + "'");
		}
		if (inputs.isEmpty()) {
			return List.of();
		}
		return this.observations.observeStart(workflowName, (trace) -> startAll(workflow, inputs, options, trace),
				(ids) -> (ids.size() == 1) ? ids.get(0) : null);
	}

	private List<UUID> startAll(WorkflowDefinition workflow, List<?> inputs, StartOptions options,
			@Nullable Map<String, String> trace) {
		String workflowName = workflow.name();
		JsonNode userContext = userContext(workflowName, options.userContext());
		JsonNode stepContext = stepContext(this.json, workflow, options.stepContext(),
				() -> "step context given to start jobs");
		WorkflowDecider decider = this.bindings.decider(workflow);
		boolean waits = Admissions.waits(workflow, options.concurrencyKey());
		List<JsonNode> inputNodes = new ArrayList<>(inputs.size());
		List<Decision> decisions = new ArrayList<>(inputs.size());
		for (int i = 0; i < inputs.size(); i++) {
			int index = i;
			JsonNode inputNode = this.json.toTree(inputs.get(i),
					() -> "input " + index + " of workflow '" + workflowName + "'");
			decider.validateInput(workflow, inputNode);
			inputNodes.add(inputNode);
			if (!waits) {
				decisions.add(this.transitions.startDecision(workflow, inputNode, stepContext));
			}
		}
		List<UUID> ids = new ArrayList<>(inputs.size());
		if (waits) {
			this.transactions.executeWithoutResult((status) -> {
				Instant now = this.clock.instant();
				for (JsonNode inputNode : inputNodes) {
					UUID jobId = UUID.randomUUID();
					ids.add(jobId);
					this.transitions.createWaiting(workflow, waitingJob(workflow, jobId, inputNode, userContext,
							stepContext, null, options, trace, now));
				}
			});
			return ids;
		}
		List<OutboundMessage> outbound = this.transactions.execute((status) -> {
			Instant now = this.clock.instant();
			String traceContext = this.json.writeTrace(trace);
			List<JobRows.NewJob> plain = new ArrayList<>();
			List<OutboundMessage> messages = new ArrayList<>();
			for (int i = 0; i < inputNodes.size(); i++) {
				UUID jobId = UUID.randomUUID();
				ids.add(jobId);
				Decision decision = decisions.get(i);
				if (goesStraightToWorkers(decision)) {
					plain.add(newJob(workflow, jobId, inputNodes.get(i), userContext, stepContext, null, decision,
							trace, now, options.timeout()));
				}
				else {
					messages.addAll(this.transitions.createJob(workflow, jobId, inputNodes.get(i), userContext,
							stepContext, null, null, decision, now, traceContext, options.timeout()));
				}
			}
			this.jobs.insertAll(plain);
			for (JobRows.NewJob job : plain) {
				this.events.afterCommit(new WorkflowEvent.JobStarted(job.job().getId(), workflowName));
				job.outbox().forEach((row) -> messages.add(OutboxMessages.outbound(row)));
			}
			return messages;
		});
		this.outbox.publish(outbound);
		return ids;
	}

	/**
	 * Whether a start's decision is the common one: steps to run now, and nothing else, which plain SQL stores.
	 */
	private static boolean goesStraightToWorkers(Decision decision) {
		return decision.end() == null && decision.stepContext() == null && decision.runsStepsOnly();
	}

	/**
	 * Starts a job whose steps carry a trace context.
	 */
	private Started start(WorkflowDefinition workflow, @Nullable Object input, StartOptions options,
			@Nullable Map<String, String> trace) {
		String workflowName = workflow.name();
		JsonNode inputNode = this.json.toTree(input, () -> "input of workflow '" + workflowName + "'");
		JsonNode userContext = userContext(workflowName, options.userContext());
		JsonNode stepContext = stepContext(this.json, workflow, options.stepContext(),
				() -> "step context given to start it");
		String key = options.idempotencyKey();
		if (key != null) {
			if (key.isBlank() || key.length() > 200) {
				throw new IllegalArgumentException("An idempotency key must have 1 to 200 characters, not " + key.length());
			}
			if (key.indexOf('\0') >= 0) {
				throw new IllegalArgumentException("An idempotency key must not contain the character U+0000, which "
						+ "PostgreSQL cannot store");
			}
			UUID existing = existingJob(workflowName, key);
			if (existing != null) {
				return new Started(existing, false);
			}
		}
		this.bindings.decider(workflow).validateInput(workflow, inputNode);
		UUID jobId = UUID.randomUUID();
		StartOptions.Debounce debounce = options.debounce();
		if (debounce != null) {
			// Let through by the background work once its window has passed without another start of its key.
			Instant now = this.clock.instant();
			JobEntity job = waitingJob(workflow, jobId, inputNode, userContext, stepContext, null, options, trace, now);
			job.setStatus(JobStatus.WAITING);
			JobRows.Debounced debounced = this.transactions.execute((status) -> {
				JobRows.Debounced stored = this.jobs.debounce(job, debounce.key(), now.plus(debounce.window()));
				if (stored.created()) {
					this.events.afterCommit(new WorkflowEvent.JobStarted(stored.id(), workflowName));
				}
				return stored;
			});
			return new Started(debounced.id(), debounced.created());
		}
		if (Admissions.waits(workflow, options.concurrencyKey())) {
			try {
				this.transactions.executeWithoutResult((status) -> this.transitions.createWaiting(workflow,
						waitingJob(workflow, jobId, inputNode, userContext, stepContext, key, options, trace,
								this.clock.instant())));
			}
			catch (DataIntegrityViolationException ex) {
				UUID existing = (key != null) ? existingJob(workflowName, key) : null;
				if (existing != null) {
					return new Started(existing, false);
				}
				throw ex;
			}
			return new Started(jobId, true);
		}
		Decision decision = this.transitions.startDecision(workflow, inputNode, stepContext);
		List<OutboundMessage> outbound;
		try {
			outbound = goesStraightToWorkers(decision)
							? insertNewJob(workflow, jobId, inputNode, userContext, stepContext, key, decision, trace,
									options.timeout())
							: this.transactions.execute((status) -> this.transitions.createJob(workflow, jobId,
									inputNode, userContext, stepContext, key, null, decision, this.clock.instant(),
									this.json.writeTrace(trace), options.timeout()));
		}
		catch (DataIntegrityViolationException ex) {
			UUID existing = (key != null) ? existingJob(workflowName, key) : null;
			if (existing != null) {
				return new Started(existing, false);
			}
			throw ex;
		}
		this.outbox.publish(outbound);
		return new Started(jobId, true);
	}

	/**
	 * Stores a new job whose first steps all go straight to workers, in plain SQL and a transaction of its own: the
	 * common start.
	 */
	private List<OutboundMessage> insertNewJob(WorkflowDefinition workflow, UUID jobId, @Nullable JsonNode inputNode,
			JsonNode userContext, @Nullable JsonNode stepContext, @Nullable String key, Decision decision,
			@Nullable Map<String, String> trace, @Nullable Duration timeout) {
		JobRows.NewJob start = newJob(workflow, jobId, inputNode, userContext, stepContext, key, decision, trace,
				this.clock.instant(), timeout);
		this.jobs.insert(start);
		this.events.afterCommit(new WorkflowEvent.JobStarted(jobId, workflow.name()));
		return start.outbox().stream().map(OutboxMessages::outbound).toList();
	}

	/**
	 * Builds the rows of a new job whose first steps all go straight to workers: the job, its step executions and
	 * their outbox rows.
	 */
	private JobRows.NewJob newJob(WorkflowDefinition workflow, UUID jobId, @Nullable JsonNode inputNode,
			JsonNode userContext, @Nullable JsonNode stepContext, @Nullable String key, Decision decision,
			@Nullable Map<String, String> trace, Instant now, @Nullable Duration timeout) {
		JobEntity job = this.transitions.newJob(workflow, jobId, inputNode, userContext, stepContext, key, now,
				this.json.writeTrace(trace), timeout);
		job.setPercentComplete(decision.percentComplete());
		OutboxMessages.JobContexts contexts = new OutboxMessages.JobContexts(stepContext, userContext, trace,
				workflow.fingerprint(), null);
		List<StepExecutionEntity> steps = new ArrayList<>(decision.dispatches().size());
		List<OutboxEntity> rows = new ArrayList<>(decision.dispatches().size());
		for (Decision.Dispatch dispatch : decision.dispatches()) {
			StepExecutionEntity execution = new StepExecutionEntity(UUID.randomUUID(), jobId, steps.size(),
					dispatch.step(), 1, this.json.write(dispatch.input()), now, null);
			execution.setPool(this.bindings.registry().pool(workflow, dispatch.step()));
			execution.setLeaseExpiresAt(this.settings.claimDeadline(now));
			steps.add(execution);
			rows.add(this.outbox.row(job, contexts, execution, dispatch.input(), now));
			job.setCurrentStep(dispatch.step());
		}
		return new JobRows.NewJob(job, steps, rows);
	}

	/**
	 * Builds a new job that waits for a place under its workflow's concurrency limits: its first steps are decided
	 * when it is let through.
	 */
	private JobEntity waitingJob(WorkflowDefinition workflow, UUID jobId, @Nullable JsonNode inputNode, JsonNode userContext,
			@Nullable JsonNode stepContext, @Nullable String key, StartOptions options,
			@Nullable Map<String, String> trace, Instant now) {
		JobEntity job = this.transitions.newJob(workflow, jobId, inputNode, userContext, stepContext, key, now,
				this.json.writeTrace(trace), options.timeout());
		job.setConcurrencyKey(options.concurrencyKey());
		job.setPriority(options.priority());
		return job;
	}

	private @Nullable UUID existingJob(String workflowName, String key) {
		return this.transactions.execute((status) -> {
			JobEntity job = this.jobs.findByIdempotencyKey(workflowName, key);
			return (job != null) ? job.getId() : null;
		});
	}

	private JsonNode userContext(String workflowName, @Nullable Object userContext) {
		if (userContext == null) {
			return JsonNodeFactory.instance.objectNode();
		}
		JsonNode node = this.json.toTree(userContext, () -> "user context of a job of workflow '" + workflowName + "'");
		if (!node.isObject()) {
			throw new WorkflowSerializationException("The user context of a job of workflow '" + workflowName
					+ "' must write as a JSON object (a Map or a record), not as " + node.getNodeType());
		}
		return node;
	}

	/**
	 * Checks and writes a step context: given to a start, or returned by a step.
	 * @param json the engine's JSON
	 * @param workflow the workflow
	 * @param context the step context, or {@code null} for none
	 * @param what what the context is, for the error
	 * @return the context as JSON, or {@code null}
	 * @throws WorkflowSerializationException if the workflow takes no step context of its type
	 */
	static @Nullable JsonNode stepContext(WorkflowJson json, WorkflowDefinition workflow, @Nullable Object context,
			Supplier<String> what) {
		if (context == null) {
			return null;
		}
		Class<?> expected = workflow.contextType();
		if (expected == null || !expected.isInstance(context)) {
			throw new WorkflowSerializationException("The " + what.get() + " is a " + context.getClass().getName()
					+ ", but workflow '" + workflow.name() + "' takes "
					+ ((expected != null) ? "a " + expected.getName() : "no step context (add @Workflow(context = ...))")
					+ ".");
		}
		return json.toTree(context, () -> "step context of workflow '" + workflow.name() + "'");
	}

}

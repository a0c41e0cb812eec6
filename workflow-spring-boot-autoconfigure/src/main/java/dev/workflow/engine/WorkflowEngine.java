package dev.workflow.engine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.workflow.api.JobEndedException;
import dev.workflow.api.JobError;
import dev.workflow.api.JobFailedException;
import dev.workflow.api.JobInfo;
import dev.workflow.api.JobNotCancellableException;
import dev.workflow.api.JobNotFoundException;
import dev.workflow.api.JobNotRetryableException;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StartOptions;
import dev.workflow.api.StepArgumentResolver;
import dev.workflow.api.StepOutcome;
import dev.workflow.api.StepOutcomeNotRecordedException;
import dev.workflow.api.StepStatus;
import dev.workflow.api.StepTimeoutException;
import dev.workflow.api.UnknownWorkflowException;
import dev.workflow.api.WorkflowEvent;
import dev.workflow.api.WorkflowException;
import dev.workflow.api.WorkflowSerializationException;
import dev.workflow.observation.StepObservationContext;
import dev.workflow.registry.StepDefinition;
import dev.workflow.registry.WorkerPools;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.registry.WorkflowRegistry;
import dev.workflow.store.EventEntity;
import dev.workflow.store.JobEntity;
import dev.workflow.store.JobStatistics;
import dev.workflow.store.JobStore;
import dev.workflow.store.OutboxEntity;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.transport.MessageRefusedException;
import dev.workflow.transport.OutboundMessage;
import dev.workflow.transport.PoisonMessageException;
import dev.workflow.transport.StepMessage;
import dev.workflow.transport.StepMessageHandler;
import dev.workflow.transport.StepPublisher;
import dev.workflow.transport.WorkflowTopology;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts jobs and runs their steps. Every change of a job's state happens in one transaction that also writes the
 * messages it calls for to the outbox; they are published after commit, and an incoming step message is acked only
 * after that. A redelivered message whose step execution has already ended changes nothing.
 */
public class WorkflowEngine implements StepMessageHandler {

	private static final Log logger = LogFactory.getLog(WorkflowEngine.class);

	/** The logging context key of the job a step belongs to, set while the step is handled. */
	public static final String MDC_JOB_ID = "jobId";

	/** The logging context key of the workflow a step belongs to. */
	public static final String MDC_WORKFLOW = "workflow";

	/** The logging context key of the step being handled. */
	public static final String MDC_STEP = "step";

	private final ListableBeanFactory beanFactory;

	private final JobStore store;

	private final TransactionTemplate transactions;

	private final StepPublisher publisher;

	private final WorkflowTopology topology;

	private final WorkflowJson json;

	private final ApplicationEventPublisher events;

	private final List<StepArgumentResolver> resolvers;

	private final EngineSettings settings;

	private final Clock clock;

	private final RunningSteps running = new RunningSteps();

	private final OutboxDeletes outboxDeletes;

	private final EngineObservations observations;

	private final UnknownWork unknownWork;

	private final DefinitionVersions definitions;

	private volatile boolean stopping;

	/**
	 * SQLSTATEs (and their classes) of failures that pass: connection exceptions, operator intervention (a server
	 * shutting down, a statement cancelled), insufficient resources, serialization failures and deadlocks, a lock not
	 * available.
	 */
	private static final List<String> TRANSIENT_SQL_STATES = List.of("08", "57", "53", "40", "55P03");

	/** The completed, unchangeable start of each recent orchestrated job's history, decoded. */
	private final Map<UUID, List<StepExecutionEntity>> historyCache;

	/** History rows read from the database for replays, for measurement. */
	static final AtomicLong historyRowsRead = new AtomicLong();

	private final WorkflowDecider decider = new PipelineDecider();

	private final OrchestrationDecider orchestration;

	private volatile Map<String, StepInvoker> callableInvokers = Map.of();

	private volatile @Nullable WorkflowRegistry registry;

	private volatile Map<String, Map<String, StepInvoker>> invokers = Map.of();

	/**
	 * Creates the engine.
	 * @param beanFactory the bean factory whose workflows it runs
	 * @param store the store
	 * @param statistics the counts of waiting steps, read at start for {@link #removedSteps()}
	 * @param transactions the transactions of the store
	 * @param publisher publishes step messages
	 * @param topology the broker's exchange and queues
	 * @param json the engine's JSON
	 * @param events receives the engine's events
	 * @param resolvers the application's argument resolvers, in order
	 * @param settings the settings
	 * @param clock the clock
	 * @param observationRegistry observes job starts, steps and job ends (see
	 * {@link dev.workflow.observation.WorkflowObservation}); {@link ObservationRegistry#NOOP} for none
	 */
	public WorkflowEngine(ListableBeanFactory beanFactory, JobStore store, JobStatistics statistics,
			TransactionTemplate transactions, StepPublisher publisher, WorkflowTopology topology, WorkflowJson json, ApplicationEventPublisher events,
			List<StepArgumentResolver> resolvers, EngineSettings settings, Clock clock,
			ObservationRegistry observationRegistry) {
		this.beanFactory = beanFactory;
		this.store = store;
		this.transactions = transactions;
		this.publisher = publisher;
		this.topology = topology;
		this.json = json;
		this.events = events;
		this.resolvers = List.copyOf(resolvers);
		this.settings = settings;
		this.clock = clock;
		int cacheSize = settings.historyCacheJobs();
		this.historyCache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<UUID, List<StepExecutionEntity>> eldest) {
				return size() > cacheSize;
			}
		});
		this.orchestration = new OrchestrationDecider(json, clock, (step) -> this.callableInvokers.get(step));
		this.outboxDeletes = new OutboxDeletes(store::deleteOutbox);
		this.observations = new EngineObservations(observationRegistry, () -> this.stopping);
		this.unknownWork = new UnknownWork(store, statistics, clock, settings);
		this.definitions = new DefinitionVersions(store, clock);
	}

	/**
	 * Finds the application's workflows and binds every step parameter to its source. Called once all singletons
	 * exist; an invalid definition fails the start.
	 */
	public synchronized void initialize() {
		if (this.registry != null) {
			return;
		}
		WorkflowRegistry discovered = WorkflowRegistry.discover(this.beanFactory, new WorkflowRegistry.TypeChecks() {

			@Override
			public @Nullable String contextProblem(Class<?> contextType) {
				return WorkflowEngine.this.json.contextProblem(contextType);
			}

			@Override
			public @Nullable String valueProblem(java.lang.reflect.Type type) {
				return WorkflowEngine.this.json.valueProblem(type);
			}

		});
		Map<String, Map<String, StepInvoker>> bound = new HashMap<>();
		for (WorkflowDefinition workflow : discovered.all()) {
			Map<String, StepInvoker> steps = new HashMap<>();
			for (StepDefinition step : workflow.steps()) {
				StepInvoker invoker = StepInvoker.bind(workflow, step, this.json, this.resolvers, this.settings);
				// A renamed step takes the messages of its old names too.
				step.names().forEach((name) -> steps.put(name, invoker));
			}
			bound.put(workflow.name(), Map.copyOf(steps));
		}
		Map<String, StepInvoker> callable = new HashMap<>();
		discovered.callableSteps().forEach((name, step) -> {
			StepInvoker invoker = StepInvoker.bindCallable(step, this.json, this.resolvers, this.settings);
			step.names().forEach((alias) -> callable.put(alias, invoker));
		});
		for (String timer : List.of(Replay.SLEEP_STEP, Replay.EVENT_STEP)) {
			callable.put(timer, StepInvoker.bindCallable(Timer.definition(timer), this.json, this.resolvers,
					this.settings));
		}
		WorkerPools.checkDeclared(discovered, this.topology.allPools());
		this.invokers = Map.copyOf(bound);
		this.callableInvokers = Map.copyOf(callable);
		this.registry = discovered;
		this.unknownWork.checkRemovedSteps(discovered, (workflow, step) -> invoker(workflow, step) != null);
		this.definitions.register(discovered);
	}

	/**
	 * Returns the steps that jobs not yet ended waited at when this instance started, and that this release's
	 * definitions of their workflows lack (removed, or renamed without an alias): their steps are handed back for an
	 * instance that has them, and fail after {@code workflow.worker.unknown-work-timeout}.
	 * @return the steps, by workflow and step, with how many jobs wait at each
	 */
	public List<JobStatistics.StepGroup> removedSteps() {
		return this.unknownWork.removedSteps();
	}

	/**
	 * Returns the registry of workflows.
	 * @return the registry
	 */
	public WorkflowRegistry registry() {
		WorkflowRegistry current = this.registry;
		if (current == null) {
			initialize();
			current = this.registry;
		}
		return current;
	}

	WorkflowJson json() {
		return this.json;
	}

	OrchestrationDecider orchestration() {
		return this.orchestration;
	}

	JobStore store() {
		return this.store;
	}

	TransactionTemplate transactions() {
		return this.transactions;
	}

	Clock clock() {
		return this.clock;
	}

	/**
	 * Starts a job.
	 * @param workflowName the workflow
	 * @param input the job's input
	 * @param options the options
	 * @return the job's id (of the existing job, for an idempotency key used before with this workflow)
	 */
	public UUID start(String workflowName, @Nullable Object input, StartOptions options) {
		WorkflowDefinition workflow = registry().require(workflowName);
		return this.observations.observeStart(workflowName, (trace) -> start(workflow, input, options, trace));
	}

	/**
	 * Starts a job whose steps carry a trace context.
	 */
	private UUID start(WorkflowDefinition workflow, @Nullable Object input, StartOptions options,
			@Nullable Map<String, String> trace) {
		String workflowName = workflow.name();
		JsonNode inputNode = this.json.toTree(input, () -> "input of workflow '" + workflowName + "'");
		JsonNode userContext = userContext(workflowName, options.userContext());
		JsonNode stepContext = stepContext(workflow, options.stepContext(), () -> "step context given to start it");
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
				return existing;
			}
		}
		if (workflow.orchestrated()) {
			this.orchestration.validateInput(workflow, inputNode);
		}
		UUID jobId = UUID.randomUUID();
		Decision decision = startDecision(workflow, inputNode, stepContext);
		List<OutboundMessage> outbound;
		try {
			outbound = (decision.end() == null && decision.stepContext() == null
					&& decision.dispatches().stream().allMatch(Decision.Dispatch::plain))
							? insertNewJob(workflow, jobId, inputNode, userContext, stepContext, key, decision, trace)
							: this.transactions.execute((status) -> createJob(workflow, jobId, inputNode, userContext,
									stepContext, key, null, decision, this.clock.instant(),
									this.json.writeTrace(trace)));
		}
		catch (DataIntegrityViolationException ex) {
			UUID existing = (key != null) ? existingJob(workflowName, key) : null;
			if (existing != null) {
				return existing;
			}
			throw ex;
		}
		publish(outbound);
		return jobId;
	}

	/**
	 * What a workflow decides at the start of a job: its first steps.
	 */
	private Decision startDecision(WorkflowDefinition workflow, @Nullable JsonNode input,
			@Nullable JsonNode stepContext) {
		return workflow.orchestrated()
				? this.orchestration.replay(workflow, input, stepContext, List.of(), (name) -> null)
				: this.decider.start(workflow, input);
	}

	/**
	 * Stores a new job and what its workflow decides at the start, in the caller's transaction.
	 */
	private List<OutboundMessage> createJob(WorkflowDefinition workflow, UUID jobId, @Nullable JsonNode inputNode,
			JsonNode userContext, @Nullable JsonNode stepContext, @Nullable String key, @Nullable UUID parentEntryId,
			Decision decision, Instant now, @Nullable String traceContext) {
		JobEntity job = newJob(workflow, jobId, inputNode, userContext, stepContext, key, now, traceContext);
		job.setParentEntryId(parentEntryId);
		this.store.persist(job);
		List<OutboundMessage> messages = apply(workflow, job, decision, 0, now);
		afterCommit(new WorkflowEvent.JobStarted(jobId, workflow.name()));
		return messages;
	}

	/**
	 * Stores a new job whose first steps all go straight to workers, in plain SQL and a transaction of its own: the
	 * common start.
	 */
	private List<OutboundMessage> insertNewJob(WorkflowDefinition workflow, UUID jobId, @Nullable JsonNode inputNode,
			JsonNode userContext, @Nullable JsonNode stepContext, @Nullable String key, Decision decision,
			@Nullable Map<String, String> trace) {
		Instant now = this.clock.instant();
		JobEntity job = newJob(workflow, jobId, inputNode, userContext, stepContext, key, now,
				this.json.writeTrace(trace));
		job.setPercentComplete(decision.percentComplete());
		JobContexts contexts = new JobContexts(stepContext, userContext, trace, workflow.fingerprint());
		List<StepExecutionEntity> steps = new ArrayList<>(decision.dispatches().size());
		List<OutboxEntity> rows = new ArrayList<>(decision.dispatches().size());
		for (Decision.Dispatch dispatch : decision.dispatches()) {
			StepExecutionEntity execution = new StepExecutionEntity(UUID.randomUUID(), jobId, steps.size(),
					dispatch.step(), 1, this.json.write(dispatch.input()), now, null);
			execution.setPool(registry().pool(workflow, dispatch.step()));
			execution.setLeaseExpiresAt(claimDeadline(now));
			steps.add(execution);
			rows.add(outboxRow(job, contexts, execution, dispatch.input(), now));
			job.setCurrentStep(dispatch.step());
		}
		this.store.insertNewJob(job, steps, rows);
		afterCommit(new WorkflowEvent.JobStarted(jobId, workflow.name()));
		return rows.stream().map(WorkflowEngine::outbound).toList();
	}

	private JobEntity newJob(WorkflowDefinition workflow, UUID jobId, @Nullable JsonNode inputNode,
			JsonNode userContext, @Nullable JsonNode stepContext, @Nullable String key, Instant now,
			@Nullable String traceContext) {
		JobEntity job = new JobEntity(jobId, workflow.name(), JobStatus.QUEUED, now);
		job.setTraceContext(traceContext);
		job.setInput(this.json.write(inputNode));
		job.setUserContext(this.json.write(userContext));
		job.setStepContext(this.json.write(stepContext));
		job.setStepCount(workflow.steps().size());
		job.setIdempotencyKey(key);
		job.setDefinitionVersion(workflow.fingerprint());
		return job;
	}

	private @Nullable UUID existingJob(String workflowName, String key) {
		return this.transactions.execute((status) -> {
			JobEntity job = this.store.findJobByIdempotencyKey(workflowName, key);
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

	private @Nullable JsonNode stepContext(WorkflowDefinition workflow, @Nullable Object context,
			java.util.function.Supplier<String> what) {
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
		return this.json.toTree(context, () -> "step context of workflow '" + workflow.name() + "'");
	}

	@Override
	public void handle(byte[] body) {
		StepMessage message = this.json.decode(body);
		// Every line logged while the step is handled (the step's own lines among them) names its job and step.
		MDC.put(MDC_JOB_ID, message.jobId().toString());
		MDC.put(MDC_WORKFLOW, message.workflow());
		MDC.put(MDC_STEP, message.step());
		try {
			handle(message);
		}
		finally {
			MDC.remove(MDC_JOB_ID);
			MDC.remove(MDC_WORKFLOW);
			MDC.remove(MDC_STEP);
		}
	}

	private void handle(StepMessage message) {
		WorkflowDefinition workflow = registry().find(message.workflow());
		StepInvoker invoker = invoker(workflow, message.step());
		// This instance's code may also be behind the job: a newer definition of its pipeline, or a history that a
		// newer release of its workflow method wrote.
		String behind = (invoker == null) ? null
				: (message.definitionVersion() != null) ? this.definitions.newer(workflow, message.definitionVersion())
						: this.unknownWork.behind(message);
		if (invoker == null || behind != null) {
			JobError timedOut = this.unknownWork.handBack(message, workflow, behind);
			if (timedOut != null) {
				failUnrunnable(message, timedOut, (execution) -> this.unknownWork.pastTimeout(execution,
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
			publish(this.transactions.execute((status) -> fail(message, error(ex), StepStatus.FAILED, epoch)));
			throw new PoisonMessageException(ex.getMessage() + " (job " + message.jobId() + ")", ex);
		}
		catch (Throwable ex) {
			if (this.stopping) {
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
			StepResult result = result(workflow, message, returned);
			Decision next = workflow.orchestrated() ? null : this.decider.afterStep(workflow, message.step(), result);
			if (next != null && isPlainNextStep(next, result)) {
				outbound = completeAndQueue(message, epoch, result, next.dispatches().get(0), next.percentComplete());
			}
			else if (next != null && isPlainCompletion(next, result)
					&& completeLastStep(message, epoch, result, next)) {
				outbound = List.of();
			}
			else {
				List<OutboundMessage> replayed = workflow.orchestrated()
						? completeAndReplay(workflow, message, epoch, result) : null;
				outbound = (replayed != null) ? replayed
						: this.transactions.execute((status) -> complete(workflow, message, epoch, result));
			}
		}
		catch (WorkflowException ex) {
			publish(this.transactions.execute((status) -> fail(message, error(ex), StepStatus.FAILED, epoch)));
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
		publish(outbound);
		return StepObservationContext.Outcome.COMPLETED;
	}

	/**
	 * Hands the claim of a step interrupted by this worker's shutdown back to the queue, so that its message, which
	 * goes back to the broker, is claimed elsewhere at once, and the attempt loses no lease.
	 * @return what becomes of the step, for the log
	 */
	private String handBack(StepMessage message, int epoch) {
		try {
			if (this.store.releaseClaim(message.stepExecutionId(), message.attempt(), epoch,
					claimDeadline(this.clock.instant()))) {
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
		publish(this.transactions.execute((status) -> failOrRetry(message, failure, delay, epoch)));
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
		if (ex instanceof TransientDataAccessException || ex instanceof RecoverableDataAccessException
				|| ex instanceof TransactionException) {
			return true;
		}
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null
					&& TRANSIENT_SQL_STATES.stream().anyMatch(sql.getSQLState()::startsWith)) {
				return true;
			}
		}
		try {
			this.store.ping();
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
		JobStore.Claimed claimed = this.store.claim(message.stepExecutionId(), message.attempt(), message.step(),
				this.settings.workerId(), now, now.plus(this.settings.leaseDuration()));
		JobStore.Claim claim = claimed.outcome();
		if (claim == JobStore.Claim.NOT_CLAIMABLE) {
			logger.debug("Ignoring a delivery of step execution " + message.stepExecutionId() + " attempt "
					+ message.attempt() + ": it has ended, or runs on a worker whose lease holds");
			return 0;
		}
		if (claim == JobStore.Claim.JOB_ENDED) {
			this.transactions.executeWithoutResult((status) -> {
				StepExecutionEntity execution = this.store.findStepExecution(message.stepExecutionId());
				if (execution != null) {
					cancelIfJobEnded(this.store.findJob(message.jobId()), execution, now);
				}
			});
			return 0;
		}
		publishEvent(new WorkflowEvent.StepStarted(message.jobId(), message.workflow(), message.step(),
				message.attempt(), message.stepExecutionId()));
		return claimed.epoch();
	}

	/**
	 * Logs the outcome of a step whose claim this worker has lost (its lease lapsed and the step was dispatched
	 * again, or the attempt ended otherwise): the outcome is discarded.
	 */
	private static void lostClaim(StepMessage message, int epoch) {
		logger.warn("Discarding the outcome of step '" + message.step() + "' of job " + message.jobId() + " (attempt "
				+ message.attempt() + "): this worker's claim (epoch " + epoch + ") is no longer the latest; its lease "
				+ "lapsed and the step was dispatched again, or the attempt has ended");
	}

	/**
	 * Marks a step execution cancelled if its job has ended meanwhile (a client cancelled it, say).
	 * @return {@code true} if the job has ended
	 */
	private boolean cancelIfJobEnded(@Nullable JobEntity job, StepExecutionEntity execution, Instant now) {
		if (job != null && !job.getStatus().isFinal()) {
			return false;
		}
		execution.setStatus(StepStatus.CANCELLED);
		execution.setFinishedAt(now);
		execution.setLeaseExpiresAt(null);
		return true;
	}

	private StepResult result(WorkflowDefinition workflow, StepMessage message, @Nullable Object returned) {
		String step = message.step();
		if (returned instanceof StepOutcome outcome) {
			JsonNode value = this.json.toTree(outcome.value(), () -> "value returned by step '" + step
					+ "' of workflow '" + workflow.name() + "' in job " + message.jobId());
			JsonNode context = outcome.replacesStepContext() ? stepContext(workflow, outcome.stepContext(),
					() -> "step context returned by step '" + step + "' in job " + message.jobId()) : null;
			return new StepResult(outcome.kind(), value, outcome.target(), context, outcome.replacesStepContext());
		}
		JsonNode value = this.json.toTree(returned, () -> "value returned by step '" + step + "' of workflow '"
				+ workflow.name() + "' in job " + message.jobId());
		return new StepResult(StepOutcome.Kind.NEXT, value, null, null, false);
	}

	private List<OutboundMessage> complete(WorkflowDefinition workflow, StepMessage message, int epoch,
			StepResult result) {
		// Parallel steps of one job complete one after the other, so that each replay sees the others' results.
		JobEntity locked = workflow.orchestrated() ? this.store.lockJob(message.jobId()) : null;
		// Read before anything changes, so that no change is flushed early; it holds the running execution, which
		// the lookup below then finds without a query.
		List<StepExecutionEntity> history = workflow.orchestrated() ? latestAttempts(message.jobId()) : null;
		StepExecutionEntity execution = runningExecution(message, epoch);
		if (execution == null) {
			return List.of();
		}
		JobEntity job = (locked != null) ? locked : this.store.findJob(message.jobId());
		Instant now = this.clock.instant();
		if (cancelIfJobEnded(job, execution, now)) {
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
		afterCommit(new WorkflowEvent.StepCompleted(message.jobId(), message.workflow(), message.step(),
				message.attempt(), message.stepExecutionId()));
		if (history != null) {
			return replayAndApply(workflow, job, history, now);
		}
		Decision decision = this.decider.afterStep(workflow, message.step(), result);
		return apply(workflow, job, decision, execution.getSequence() + 1, now);
	}

	/**
	 * Whether a pipeline's decision is its common transition: one step to run at once, the job's contexts unchanged.
	 */
	private static boolean isPlainNextStep(Decision decision, StepResult result) {
		return !result.replacesStepContext() && decision.end() == null && decision.stepContext() == null
				&& decision.dispatches().size() == 1 && decision.dispatches().get(0).plain();
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
		JobStore.Completion completion = this.store.completeLastStep(message.stepExecutionId(), message.attempt(),
				epoch, this.json.write(result.value()), this.clock.instant(), message.jobId(),
				this.json.write(decision.end().output()));
		if (completion == JobStore.Completion.HAS_PARENT) {
			return false;
		}
		if (completion == JobStore.Completion.NOT_RUNNING) {
			lostClaim(message, epoch);
		}
		if (completion == JobStore.Completion.DONE) {
			this.historyCache.remove(message.jobId());
			publishEvent(new WorkflowEvent.StepCompleted(message.jobId(), message.workflow(), message.step(),
					message.attempt(), message.stepExecutionId()));
			publishEvent(new WorkflowEvent.JobCompleted(message.jobId(), message.workflow()));
		}
		return true;
	}

	/**
	 * The common transition of a pipeline, in plain SQL and a transaction of its own: the step completes and the next
	 * one is queued. The job's contexts are unchanged, so the next message carries the contexts this one brought.
	 */
	private List<OutboundMessage> completeAndQueue(StepMessage message, int epoch, StepResult result,
			Decision.Dispatch next, int percentComplete) {
		Instant now = this.clock.instant();
		UUID nextId = UUID.randomUUID();
		StepMessage nextMessage = new StepMessage(message.jobId(), nextId, message.workflow(), next.step(), 1,
				next.input(), message.stepContext(), message.userContext(), message.trace(), message.definitionVersion());
		String nextPool = pool(message.workflow(), next.step());
		OutboxEntity row = new OutboxEntity(UUID.randomUUID(), this.topology.exchange(),
				this.topology.stepRoutingKey(nextPool), this.json.encode(nextMessage), now);
		JobStore.Completion completion = this.store.completeAndQueue(message.stepExecutionId(), message.attempt(),
				epoch, this.json.write(result.value()), now, message.jobId(), percentComplete, nextId, next.step(),
				this.json.write(next.input()), nextPool, claimDeadline(now), row);
		if (completion == JobStore.Completion.NOT_RUNNING) {
			lostClaim(message, epoch);
		}
		if (completion != JobStore.Completion.DONE) {
			return List.of();
		}
		publishEvent(new WorkflowEvent.StepCompleted(message.jobId(), message.workflow(), message.step(),
				message.attempt(), message.stepExecutionId()));
		return List.of(outbound(row));
	}

	/**
	 * The common completion of a workflow method's step, in plain SQL and a transaction of its own: the step
	 * completes, the method is replayed, and it decides one of the common things: steps to run now, waiting for
	 * steps still running, or completing a job that has no parent. Anything else (a recorded value, a timer, an
	 * event, a child, a new step context, a failure, a job that has ended) is rolled back and left to the general
	 * path, which replays again.
	 * @return the messages to publish, or {@code null} if the general path must decide
	 */
	private @Nullable List<OutboundMessage> completeAndReplay(WorkflowDefinition workflow, StepMessage message,
			int epoch, StepResult result) {
		if (result.replacesStepContext()) {
			return null;
		}
		boolean[] ended = { false };
		List<OutboundMessage> outbound = this.store.inJdbcTransaction((status) -> {
			JobStore.LockedJob job = this.store.lockJobRow(message.jobId());
			// Read after the lock, so that completion times follow the order of completions (Workflows.any).
			Instant now = this.clock.instant();
			if (job == null || job.status().isFinal()
					|| this.store.completeRunning(message.stepExecutionId(), message.attempt(), epoch,
							this.json.write(result.value()), now) == null) {
				status.setRollbackOnly();
				return null;
			}
			List<StepExecutionEntity> history = latestAttempts(message.jobId(), this.store::historyRows);
			boolean[] asksForKeptEvent = { false };
			Decision decision = this.orchestration.replay(workflow, this.json.parse(job.input()),
					this.json.parse(job.stepContext()), history, (name) -> {
						asksForKeptEvent[0] = true;
						return null;
					});
			if (asksForKeptEvent[0] || decision.stepContext() != null
					|| !decision.dispatches().stream().allMatch(Decision.Dispatch::plain)
					|| (decision.end() != null && (decision.end().status() != JobStatus.COMPLETED || job.child()))) {
				status.setRollbackOnly();
				return null;
			}
			if (decision.end() != null) {
				this.store.countAndComplete(message.jobId(), this.json.write(decision.end().output()), now);
				ended[0] = true;
				return List.<OutboundMessage>of();
			}
			JobContexts contexts = decision.dispatches().isEmpty() ? null
					: new JobContexts(this.json.parse(job.stepContext()), this.json.parse(job.userContext()),
							this.json.readTrace(job.traceContext()), null);
			List<StepExecutionEntity> steps = new ArrayList<>(decision.dispatches().size());
			List<OutboxEntity> rows = new ArrayList<>(decision.dispatches().size());
			for (Decision.Dispatch dispatch : decision.dispatches()) {
				StepExecutionEntity execution = new StepExecutionEntity(UUID.randomUUID(), message.jobId(),
						history.size() + steps.size(), dispatch.step(), 1, this.json.write(dispatch.input()), now);
				execution.setPool(registry().pool(workflow, dispatch.step()));
				execution.setLeaseExpiresAt(claimDeadline(now));
				steps.add(execution);
				rows.add(outboxRow(workflow.name(), contexts, execution, dispatch.input(), now, false));
			}
			String currentStep = steps.isEmpty() ? null : steps.get(steps.size() - 1).getStepName();
			this.store.countAndQueue(message.jobId(), decision.percentComplete(), currentStep, steps, rows);
			return rows.stream().map(WorkflowEngine::outbound).toList();
		});
		if (outbound == null) {
			return null;
		}
		publishEvent(new WorkflowEvent.StepCompleted(message.jobId(), message.workflow(), message.step(),
				message.attempt(), message.stepExecutionId()));
		if (ended[0]) {
			this.historyCache.remove(message.jobId());
			publishEvent(new WorkflowEvent.JobCompleted(message.jobId(), message.workflow()));
		}
		return outbound;
	}

	/**
	 * Runs an orchestrated workflow's method against its job's history and applies what it decides.
	 */
	private List<OutboundMessage> replayAndApply(WorkflowDefinition workflow, JobEntity job, Instant now) {
		return replayAndApply(workflow, job, latestAttempts(job.getId()), now);
	}

	private List<OutboundMessage> replayAndApply(WorkflowDefinition workflow, JobEntity job,
			List<StepExecutionEntity> history, Instant now) {
		Decision decision = this.orchestration.replay(workflow, this.json.parse(job.getInput()),
				this.json.parse(job.getStepContext()), history, (name) -> takeKeptEvent(job.getId(), name, now));
		return apply(workflow, job, decision, history.size(), now);
	}

	private @Nullable JsonNode takeKeptEvent(UUID jobId, String name, Instant now) {
		EventEntity event = this.store.claimKeptEvent(jobId, name);
		if (event == null) {
			return null;
		}
		event.consume(now);
		JsonNode payload = this.json.parse(event.getPayload());
		return (payload != null) ? payload : JsonNodeFactory.instance.nullNode();
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
	public void sendEvent(UUID jobId, String name, @Nullable Object payload) {
		this.json.toTree(name, () -> "name of an event sent to job " + jobId);
		JsonNode payloadNode = this.json.toTree(payload,
				() -> "payload of event '" + name + "' sent to job " + jobId);
		try {
			publish(this.transactions.execute((status) -> takeEvent(jobId, name, payloadNode)));
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
		JobEntity job = this.store.lockJob(jobId);
		if (job == null) {
			throw new JobNotFoundException("No job with id " + jobId);
		}
		if (job.getStatus().isFinal()) {
			throw new JobEndedException("Job " + jobId + " of workflow '" + job.getWorkflowName()
					+ "' has already ended " + job.getStatus() + "; it takes no more events");
		}
		Instant now = this.clock.instant();
		StepExecutionEntity waiting = this.store.claimEventWait(jobId, Replay.EVENT_STEP, name);
		if (waiting == null) {
			this.store.persist(new EventEntity(UUID.randomUUID(), jobId, name, this.json.write(payloadNode), now));
			return List.<OutboundMessage>of();
		}
		waiting.recordCompleted(this.json.write(payloadNode), now);
		WorkflowDefinition workflow = registry().require(job.getWorkflowName());
		return replayAndApply(workflow, job, now);
	}

	/**
	 * Returns the latest attempt of each entry of a job's history, in sequence.
	 */
	private List<StepExecutionEntity> latestAttempts(UUID jobId) {
		return latestAttempts(jobId, this.store::history);
	}

	/**
	 * Returns the latest attempt of each entry of a job's history, in sequence, reading what the cache lacks with
	 * the given query.
	 */
	private List<StepExecutionEntity> latestAttempts(UUID jobId,
			java.util.function.BiFunction<UUID, Integer, List<StepExecutionEntity>> read) {
		List<StepExecutionEntity> cached = (this.settings.historyCacheJobs() > 0) ? this.historyCache.get(jobId) : null;
		List<StepExecutionEntity> latest = (cached != null) ? new ArrayList<>(cached) : new ArrayList<>();
		List<StepExecutionEntity> rows = read.apply(jobId, latest.size());
		historyRowsRead.addAndGet(rows.size());
		for (StepExecutionEntity entry : rows) {
			Replay.keepLatest(latest, entry);
		}
		cacheCompletedPrefix(jobId, latest);
		return latest;
	}

	/**
	 * Keeps the completed start of a job's history once this transaction has committed: completed entries never
	 * change, so the next replay on this worker reads only what follows them. The start is taken as committed, so it
	 * includes the entries this transaction completed.
	 */
	private void cacheCompletedPrefix(UUID jobId, List<StepExecutionEntity> history) {
		if (this.settings.historyCacheJobs() <= 0) {
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				int prefix = 0;
				while (prefix < history.size() && history.get(prefix).getStatus() == StepStatus.COMPLETED) {
					prefix++;
				}
				WorkflowEngine.this.historyCache.put(jobId, List.copyOf(history.subList(0, prefix)));
			}
		});
	}

	/**
	 * Records a failed attempt of a claimed step and schedules the next one after a delay, or, without a delay, fails
	 * the job.
	 */
	private List<OutboundMessage> failOrRetry(StepMessage message, Throwable failure, @Nullable Duration delay,
			int epoch) {
		StepStatus outcome = (failure instanceof StepTimeoutException) ? StepStatus.TIMED_OUT : StepStatus.FAILED;
		return fail(message, error(failure), outcome, delay, epoch);
	}

	/**
	 * Fails the job of a step: a claimed one (a positive epoch), or a queued one that cannot run at all.
	 */
	private List<OutboundMessage> fail(StepMessage message, JobError error, StepStatus outcome, int epoch) {
		return fail(message, error, outcome, null, epoch);
	}

	/**
	 * Ends the attempt of a message as failed, if it is still the caller's to end: running under the given claim, or,
	 * for epoch 0, queued and never claimed.
	 */
	private List<OutboundMessage> fail(StepMessage message, JobError error, StepStatus outcome,
			@Nullable Duration delay, int epoch) {
		StepExecutionEntity execution = (epoch > 0) ? runningExecution(message, epoch)
				: this.store.findStepExecution(message.stepExecutionId());
		if (execution == null || epoch == 0
				&& (execution.getAttempt() != message.attempt() || execution.getStatus() != StepStatus.QUEUED)) {
			return List.of();
		}
		JobEntity job = failingJob(message);
		Instant now = this.clock.instant();
		if (cancelIfJobEnded(job, execution, now)) {
			return List.of();
		}
		return endAttempt(job, execution, message.workflow(), outcome, error, delay, now);
	}

	/**
	 * Returns the job of a step that failed: locked, for a workflow method, like a completion, so that a race of
	 * {@code Workflows.any} decided meanwhile is seen.
	 */
	private @Nullable JobEntity failingJob(StepMessage message) {
		WorkflowDefinition workflow = registry().find(message.workflow());
		return (workflow != null && workflow.orchestrated()) ? this.store.lockJob(message.jobId())
				: this.store.findJob(message.jobId());
	}

	/**
	 * Ends an attempt that failed: the next attempt after a delay, or, without one, the job's failure, unless the
	 * step had lost a race of {@code Workflows.any}, whose winner the job goes on with.
	 */
	private List<OutboundMessage> endAttempt(JobEntity job, StepExecutionEntity execution, String workflow,
			StepStatus outcome, JobError error, @Nullable Duration delay, Instant now) {
		WorkflowDefinition definition = registry().find(workflow);
		int winner = (delay == null && definition != null && definition.orchestrated())
				? Replay.winnerOver(latestAttempts(job.getId(), this.store::historyRows), execution.getSequence(),
						this.json)
				: -1;
		finish(execution, workflow, outcome, error, now);
		if (winner >= 0) {
			logger.info("Step '" + execution.getStepName() + "' of job " + job.getId() + " failed (" + error.type()
					+ ": " + error.message() + "), but it had lost a race of Workflows.any to entry " + winner
					+ ", so its result is not needed and the job goes on");
			return List.of();
		}
		if (delay == null) {
			job.setCurrentStep(execution.getStepName());
			return end(job, new Decision.End(JobStatus.FAILED, null, error), now);
		}
		StepExecutionEntity retry = new StepExecutionEntity(UUID.randomUUID(), job.getId(), execution.getSequence(),
				execution.getStepName(), execution.getAttempt() + 1, execution.getInput(), now, now.plus(delay));
		retry.setPool(execution.getPool());
		this.store.persist(retry);
		logger.info("Step '" + execution.getStepName() + "' of job " + job.getId() + " failed on attempt "
				+ execution.getAttempt() + " (" + error.type() + ": " + error.message() + "); attempt "
				+ retry.getAttempt() + " in " + delay.toMillis() + " ms");
		return List.of();
	}

	/**
	 * Returns the step execution of a message if it still runs under the given claim; logs a lost claim otherwise.
	 */
	private @Nullable StepExecutionEntity runningExecution(StepMessage message, int epoch) {
		StepExecutionEntity execution = this.store.findStepExecution(message.stepExecutionId());
		if (execution != null && execution.getStatus() == StepStatus.RUNNING
				&& execution.getAttempt() == message.attempt() && execution.getClaimEpoch() == epoch) {
			return execution;
		}
		lostClaim(message, epoch);
		return null;
	}

	private void finish(StepExecutionEntity execution, String workflow, StepStatus outcome, JobError error,
			Instant now) {
		execution.setStatus(outcome);
		execution.setError(error.type(), error.message(), error.stackTrace());
		execution.setFinishedAt(now);
		execution.setLeaseExpiresAt(null);
		afterCommit(new WorkflowEvent.StepFailed(execution.getJobId(), workflow, execution.getStepName(),
				execution.getAttempt(), execution.getId(), error));
	}

	/**
	 * Fails the job of a queued step that cannot run, if the step is still as the caller found it.
	 */
	private void failUnrunnable(StepMessage message, JobError error,
			java.util.function.Predicate<StepExecutionEntity> still) {
		publish(this.transactions.execute((status) -> {
			StepExecutionEntity execution = this.store.findStepExecution(message.stepExecutionId());
			return (execution != null && still.test(execution)) ? fail(message, error, StepStatus.FAILED, 0)
					: List.<OutboundMessage>of();
		}));
	}

	private List<OutboundMessage> apply(WorkflowDefinition workflow, JobEntity job, Decision decision, int sequence,
			Instant now) {
		job.setPercentComplete(decision.percentComplete());
		if (decision.stepContext() != null) {
			job.setStepContext(this.json.write(decision.stepContext()));
		}
		List<OutboundMessage> outbound = new ArrayList<>(decision.dispatches().size());
		List<OutboxEntity> rows = new ArrayList<>(decision.dispatches().size());
		JobContexts contexts = null;
		int next = sequence;
		if (decision.dispatches().size() > 1) {
			this.store.batchWrites(decision.dispatches().size());
		}
		for (Decision.Dispatch dispatch : decision.dispatches()) {
			Instant dueAt = (dispatch.delay() != null) ? now.plus(dispatch.delay()) : null;
			StepExecutionEntity execution = new StepExecutionEntity(UUID.randomUUID(), job.getId(), next++,
					dispatch.step(), 1, this.json.write(dispatch.input()), now, dueAt);
			execution.setPool(registry().pool(workflow, dispatch.step()));
			if (dispatch.recorded()) {
				execution.recordCompleted(this.json.write(dispatch.output()), now);
			}
			else if (dispatch.child()) {
				execution.waitForChild();
			}
			else if (dueAt == null) {
				execution.setLeaseExpiresAt(claimDeadline(now));
			}
			this.store.persist(execution);
			if (dispatch.child()) {
				String childName = dispatch.input().get("workflow").asString();
				WorkflowDefinition child = registry().find(childName);
				if (child == null) {
					persistOutbox(rows, outbound);
					return end(job, new Decision.End(JobStatus.FAILED, null, new JobError(
							UnknownWorkflowException.class.getName(), "Workflow '" + workflow.name()
									+ "' started a child of workflow '" + childName + "', which is not registered",
							null)), now);
				}
				JsonNode childInput = dispatch.input().get("input");
				// A child continues its parent's trace.
				outbound.addAll(createJob(child, UUID.randomUUID(), childInput, this.json.parse(job.getUserContext()),
						null, null, execution.getId(), startDecision(child, childInput, null), now,
						job.getTraceContext()));
			}
			else if (!dispatch.recorded() && dueAt == null) {
				if (contexts == null) {
					contexts = contexts(job);
				}
				rows.add(outboxRow(job, contexts, execution, dispatch.input(), now));
			}
			if (!dispatch.recorded()) {
				job.setCurrentStep(dispatch.step());
			}
		}
		persistOutbox(rows, outbound);
		if (decision.end() != null) {
			return end(job, decision.end(), now);
		}
		return outbound;
	}

	/**
	 * Stores outbox rows after the step executions they dispatch, so that the inserts of each table go out together.
	 */
	private void persistOutbox(List<OutboxEntity> rows, List<OutboundMessage> outbound) {
		for (OutboxEntity row : rows) {
			this.store.persist(row);
			outbound.add(outbound(row));
		}
	}

	/**
	 * The contexts every message of a job carries, read once for all the messages of one decision: the step and user
	 * contexts and the trace context of the job's start.
	 */
	private record JobContexts(@Nullable JsonNode stepContext, @Nullable JsonNode userContext,
			@Nullable Map<String, String> trace, @Nullable String definitionVersion) {
	}

	private JobContexts contexts(JobEntity job) {
		return new JobContexts(this.json.parse(job.getStepContext()), this.json.parse(job.getUserContext()),
				this.json.readTrace(job.getTraceContext()), job.getDefinitionVersion());
	}

	/**
	 * Dispatches a step execution again (a retry, a lapsed lease): its values were admitted when it was first
	 * dispatched, so its message is not held to the size limit again.
	 */
	private OutboundMessage outbox(JobEntity job, JobContexts contexts, StepExecutionEntity execution,
			@Nullable JsonNode input, Instant now) {
		OutboxEntity row = outboxRow(job.getWorkflowName(), contexts, execution, input, now, true);
		this.store.persist(row);
		return outbound(row);
	}

	private OutboxEntity outboxRow(JobEntity job, JobContexts contexts, StepExecutionEntity execution,
			@Nullable JsonNode input, Instant now) {
		return outboxRow(job.getWorkflowName(), contexts, execution, input, now, false);
	}

	private OutboxEntity outboxRow(String workflow, JobContexts contexts, StepExecutionEntity execution,
			@Nullable JsonNode input, Instant now, boolean admitted) {
		StepMessage message = new StepMessage(execution.getJobId(), execution.getId(), workflow,
				execution.getStepName(), execution.getAttempt(), input, contexts.stepContext(), contexts.userContext(),
				contexts.trace(), contexts.definitionVersion());
		// The pool this instance's definition gives (a release may have moved the step), else the one stored with it.
		String pool = (registry().find(workflow) != null) ? pool(workflow, execution.getStepName())
				: execution.getPool();
		return new OutboxEntity(UUID.randomUUID(), this.topology.exchange(), this.topology.stepRoutingKey(pool),
				admitted ? this.json.encodeAdmitted(message) : this.json.encode(message), now);
	}

	private static OutboundMessage outbound(OutboxEntity row) {
		return new OutboundMessage(row.getId(), row.getExchange(), row.getRoutingKey(), row.getPayload());
	}

	/**
	 * Cancels a job: steps not yet started never run, the result of a running one is discarded, and its children
	 * that have not ended are cancelled with it.
	 * @param jobId the job
	 * @throws JobNotFoundException if there is no such job
	 * @throws JobNotCancellableException if the job has already ended
	 */
	public void cancel(UUID jobId) {
		publish(this.transactions.execute((status) -> {
			JobEntity job = this.store.lockJob(jobId);
			if (job == null) {
				throw new JobNotFoundException("No job with id " + jobId);
			}
			if (job.getStatus().isFinal()) {
				throw new JobNotCancellableException("Job " + jobId + " of workflow '" + job.getWorkflowName()
						+ "' has already ended " + job.getStatus() + "; only QUEUED and RUNNING jobs can be cancelled");
			}
			Instant now = this.clock.instant();
			cancel(job, "Cancelled by a client", now);
			return resumeParent(job, JobStatus.CANCELLED, null, new JobError("cancelled", "Cancelled by a client", null),
					now);
		}));
	}

	/**
	 * Ends a locked job CANCELLED, with its pending steps and its children: the one home of that transition.
	 */
	private void cancel(JobEntity job, String reason, Instant now) {
		job.setStatus(JobStatus.CANCELLED);
		job.setFinishedAt(now);
		job.setError("cancelled", reason, null);
		this.store.cancelPendingSteps(job.getId(), now, Replay.CHILD_ENTRY);
		afterCommit(new WorkflowEvent.JobCancelled(job.getId(), job.getWorkflowName()));
		cancelChildren(job, now);
	}

	/**
	 * Cancels the children of a job that has ended without completing, and theirs, in the transaction that ended it.
	 * A transaction that ends a child locks the child's row, then its parent's; this one holds the parent's, so it
	 * takes no child's row that another transaction holds: the entry that waits for such a child becomes due, and
	 * the background work cancels the child once it is free (see {@link #cancelChild}). Either way the parent's end
	 * and what becomes of its children commit together.
	 */
	private void cancelChildren(JobEntity job, Instant now) {
		List<StepExecutionEntity> entries = this.store.openChildEntries(job.getId(), Replay.CHILD_ENTRY);
		if (entries.isEmpty()) {
			return;
		}
		// The parent's row before its entries and its children's rows, as in every transaction that ends a child.
		this.store.lockJob(job.getId());
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
	 * another transaction holds the child's row, makes the entry due, for {@link #dispatchDueRetries} to try again.
	 */
	private void cancelChild(StepExecutionEntity entry, String reason, Instant now) {
		for (UUID childId : this.store.childJobIds(entry.getId())) {
			JobEntity child = this.store.lockJobUnlessBusy(childId);
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
	 */
	private void cancelChildOfEndedJob(StepExecutionEntity entry, Instant now) {
		JobEntity job = this.store.lockJobUnlessBusy(entry.getJobId());
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
	 * Retries a FAILED job from its failed step: a new attempt of that step, with the same input, and of the parallel
	 * steps its failure cancelled, and the job RUNNING again.
	 * @param jobId the job
	 * @throws JobNotFoundException if there is no such job
	 * @throws JobNotRetryableException if the job is not FAILED, did not fail in a step, or an entry that did not
	 * complete is not a step (a child workflow, a sleep, an event wait)
	 */
	public void retry(UUID jobId) {
		publish(this.transactions.execute((status) -> {
			JobEntity job = this.store.lockJob(jobId);
			if (job == null) {
				throw new JobNotFoundException("No job with id " + jobId);
			}
			String about = "Job " + jobId + " of workflow '" + job.getWorkflowName() + "'";
			if (job.getStatus() != JobStatus.FAILED) {
				throw new JobNotRetryableException(
						about + " is " + job.getStatus() + "; only FAILED jobs can be retried");
			}
			if (registry().find(job.getWorkflowName()) == null) {
				throw new JobNotRetryableException(about + " cannot be retried here: the workflow is not registered "
						+ "in this application");
			}
			// The failed step, and the parallel steps the failure cancelled: each gets a new attempt.
			List<StepExecutionEntity> again = latestAttempts(jobId).stream()
				.filter((entry) -> entry.getStatus() == StepStatus.FAILED || entry.getStatus() == StepStatus.TIMED_OUT
						|| entry.getStatus() == StepStatus.CANCELLED)
				.toList();
			StepExecutionEntity failed = again.stream()
				.filter((entry) -> entry.getStatus() != StepStatus.CANCELLED)
				.reduce((first, second) -> second)
				.orElse(null);
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
			Instant now = this.clock.instant();
			JobContexts contexts = contexts(job);
			List<OutboundMessage> outbound = new ArrayList<>(again.size());
			for (StepExecutionEntity entry : again) {
				StepExecutionEntity attempt = new StepExecutionEntity(UUID.randomUUID(), jobId, entry.getSequence(),
						entry.getStepName(), entry.getAttempt() + 1, entry.getInput(), now);
				attempt.setPool(entry.getPool());
				attempt.setLeaseExpiresAt(claimDeadline(now));
				this.store.persist(attempt);
				outbound.add(outbox(job, contexts, attempt, this.json.parse(attempt.getInput()), now));
			}
			job.setStatus(JobStatus.RUNNING);
			job.setFinishedAt(null);
			job.setError(null, null, null);
			job.setCurrentStep(failed.getStepName());
			logger.info(about + " retried from step '" + failed.getStepName() + "' (attempt " + (failed.getAttempt() + 1)
					+ ((again.size() > 1) ? ", with " + (again.size() - 1) + " more step(s) it had cancelled" : "")
					+ ")");
			afterCommit(new WorkflowEvent.JobRetried(jobId, job.getWorkflowName(), failed.getStepName(),
					failed.getAttempt() + 1));
			return outbound;
		}));
	}

	/**
	 * Moves retries whose time has come to the broker. Any instance may call it; each retry is claimed by one.
	 * @return how many were dispatched
	 */
	public int dispatchDueRetries() {
		return dispatchClaimed((now) -> this.store.claimDueRetries(now, this.settings.batchSize()), "retry");
	}

	/**
	 * Dispatches again the running steps whose worker stopped renewing their lease, and the queued ones no worker
	 * claimed within the claim timeout (their message is taken as lost). An attempt whose lease has lapsed more often
	 * than {@link EngineSettings#maxLeaseLapses()} allows fails instead, and its step's retry policy decides what
	 * follows.
	 * @return how many were dispatched
	 */
	public int dispatchExpiredLeases() {
		return dispatchClaimed((now) -> this.store.claimExpiredLeases(now, this.settings.batchSize()), "lease");
	}

	private int dispatchClaimed(java.util.function.Function<Instant, List<StepExecutionEntity>> claim, String why) {
		List<OutboundMessage> outbound = this.transactions.execute((status) -> {
			Instant now = this.clock.instant();
			List<OutboundMessage> messages = new ArrayList<>();
			for (StepExecutionEntity execution : claim.apply(now)) {
				if (execution.getStepName().equals(Replay.CHILD_ENTRY)) {
					cancelChildOfEndedJob(execution, now);
					continue;
				}
				JobEntity job = this.store.findJob(execution.getJobId());
				if (cancelIfJobEnded(job, execution, now)) {
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
				execution.setLeaseExpiresAt(claimDeadline(now));
				execution.fenceOffClaims();
				messages.add(outbox(job, contexts(job), execution, this.json.parse(execution.getInput()), now));
			}
			return messages;
		});
		publish(outbound);
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
		StepInvoker invoker = invoker(registry().find(job.getWorkflowName()), execution.getStepName());
		Duration delay = (invoker != null) ? invoker.retryPolicy().retryDelay(execution.getAttempt(), failure) : null;
		logger.error(failure.getMessage() + ((delay != null) ? "; the attempt counts as failed and is retried"
				: "; the attempt counts as failed, and the job fails"));
		return endAttempt(job, execution, job.getWorkflowName(), StepStatus.FAILED, error(failure), delay, now);
	}

	/**
	 * Returns the invoker of a step of a workflow on this instance, or {@code null} if it has none.
	 */
	private @Nullable StepInvoker invoker(@Nullable WorkflowDefinition workflow, String step) {
		return (workflow == null) ? null
				: workflow.orchestrated() ? this.callableInvokers.get(step)
						: this.invokers.get(workflow.name()).get(step);
	}

	/**
	 * Returns the worker pool a step of a workflow runs in, {@code null} for the default pool.
	 */
	private @Nullable String pool(String workflow, String step) {
		WorkflowDefinition definition = registry().find(workflow);
		String pool = (definition != null) ? registry().pool(definition, step) : WorkerPools.DEFAULT;
		return pool.isEmpty() ? null : pool;
	}

	/**
	 * Returns when a step queued now counts as lost unless a worker has claimed it.
	 */
	private Instant claimDeadline(Instant now) {
		return now.plus(this.settings.claimTimeout());
	}

	/**
	 * Publishes outbox rows that a crash left behind, or that the broker did not confirm, and deletes those the broker
	 * confirms. A row whose message was not confirmed before goes out alone, so that what the broker answers is about
	 * it; a message the broker refuses is tried again after a wait that doubles, and after
	 * {@code workflow.broker.max-refusals} refusals its step and job fail with the broker's reason and its row is
	 * deleted. A broker that cannot be reached refuses nothing: the rows stay for as long as it takes.
	 * @return how many were published
	 */
	public int relayOutbox() {
		List<OutboundMessage> afterwards = new ArrayList<>();
		Integer relayed = this.transactions.execute((status) -> {
			Instant now = this.clock.instant();
			List<OutboxEntity> rows = this.store.claimStaleOutbox(now.minus(this.settings.outboxRelayAfter()), now,
					this.settings.batchSize());
			if (rows.isEmpty()) {
				return 0;
			}
			StepPublisher.Confirms together = this.publisher.publish(rows.stream()
				.filter((row) -> !row.failedBefore())
				.map(WorkflowEngine::outbound)
				.toList());
			StepPublisher.Confirms alone = this.publisher.publishAlone(rows.stream()
				.filter(OutboxEntity::failedBefore)
				.map(WorkflowEngine::outbound)
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
			this.store.deleteOutbox(done);
			return confirmed;
		});
		publish(afterwards);
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
		return fail(message, new JobError(MessageRefusedException.class.getName(), problem, null), StepStatus.FAILED,
				0);
	}

	/**
	 * Extends the leases of the steps this instance is running.
	 */
	public void renewLeases() {
		Map<UUID, Integer> claims = this.running.leased();
		if (!claims.isEmpty()) {
			this.store.renewLeases(claims, this.clock.instant().plus(this.settings.leaseDuration()));
		}
	}

	/**
	 * Returns the settings.
	 * @return the settings
	 */
	public EngineSettings settings() {
		return this.settings;
	}

	/**
	 * Tells the engine that this instance begins to stop (its consumers stop taking messages): from now on a step
	 * that is interrupted is handed back to the queue, whoever interrupts it, and uses up neither an attempt nor a
	 * lease lapse.
	 */
	public void beginShutdown() {
		this.stopping = true;
	}

	/**
	 * Interrupts the steps still running: this instance stops.
	 */
	public void shutdown() {
		beginShutdown();
		this.running.interruptAll();
		this.outboxDeletes.stop();
	}

	/**
	 * Ends a job, cancels its children if it did not complete, and, if it is the child of a workflow waiting for
	 * it, lets the parent go on.
	 * @return the messages the parent's next steps need
	 */
	private List<OutboundMessage> end(JobEntity job, Decision.End end, Instant now) {
		UUID ended = job.getId();
		// After commit, and after the cache update this transaction may have registered before.
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				WorkflowEngine.this.historyCache.remove(ended);
			}
		});
		job.setStatus(end.status());
		job.setFinishedAt(now);
		if (end.status() == JobStatus.COMPLETED) {
			job.setOutput(this.json.write(end.output()));
			job.setPercentComplete(100);
			afterCommit(new WorkflowEvent.JobCompleted(job.getId(), job.getWorkflowName()));
		}
		else if (end.error() != null) {
			job.setError(end.error().type(), end.error().message(), end.error().stackTrace());
			afterCommit((end.status() == JobStatus.ABORTED)
					? new WorkflowEvent.JobAborted(job.getId(), job.getWorkflowName(), end.error().message())
					: new WorkflowEvent.JobFailed(job.getId(), job.getWorkflowName(), end.error()));
		}
		if (end.status() != JobStatus.COMPLETED) {
			cancelChildren(job, now);
		}
		return resumeParent(job, end.status(), end.output(), end.error(), now);
	}

	private List<OutboundMessage> resumeParent(JobEntity child, JobStatus status, @Nullable JsonNode output,
			@Nullable JobError error, Instant now) {
		UUID entryId = child.getParentEntryId();
		StepExecutionEntity entry = (entryId != null) ? this.store.findStepExecution(entryId) : null;
		if (entry == null) {
			return List.of();
		}
		JobEntity parent = this.store.lockJob(entry.getJobId());
		if (parent == null || parent.getStatus().isFinal() || entry.getStatus() != StepStatus.SCHEDULED) {
			return List.of();
		}
		if (status == JobStatus.COMPLETED) {
			entry.recordCompleted(this.json.write(output), now);
			return replayAndApply(registry().require(parent.getWorkflowName()), parent, now);
		}
		JobError childError = new JobError(JobFailedException.class.getName(), "Child job " + child.getId()
				+ " of workflow '" + child.getWorkflowName() + "' ended " + status
				+ ((error != null) ? ": " + error.message() : ""), null);
		finish(entry, parent.getWorkflowName(), StepStatus.FAILED, childError, now);
		parent.setCurrentStep(Replay.CHILD_ENTRY);
		return end(parent, new Decision.End(JobStatus.FAILED, null, childError), now);
	}

	/**
	 * Publishes the messages of outbox rows: once the transaction that wrote them has committed, if the engine call
	 * joined the caller's transaction (a start in a {@code @Transactional} method, say), so that no worker receives
	 * a message for rows it cannot see yet, and none at all if that transaction rolls back; else at once.
	 */
	private void publish(@Nullable List<OutboundMessage> outbound) {
		if (outbound == null || outbound.isEmpty()) {
			return;
		}
		afterCommit(() -> this.publisher.publishAsync(outbound, this.outboxDeletes::add));
	}

	private void afterCommit(WorkflowEvent event) {
		afterCommit(() -> publishEvent(event));
	}

	/**
	 * Runs work after the current transaction commits, or at once outside a transaction.
	 */
	private static void afterCommit(Runnable work) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()
				|| !TransactionSynchronizationManager.isSynchronizationActive()) {
			work.run();
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				work.run();
			}
		});
	}

	private void publishEvent(WorkflowEvent event) {
		this.observations.jobEnded(event);
		try {
			this.events.publishEvent(event);
		}
		catch (RuntimeException ex) {
			// A listener's failure must not undo or repeat what the engine has committed.
			logger.warn("A listener of " + event + " failed", ex);
		}
	}

	static JobError error(Throwable ex) {
		StringWriter stack = new StringWriter();
		ex.printStackTrace(new PrintWriter(stack));
		return new JobError(ex.getClass().getName(), ex.getMessage(), stack.toString());
	}

}

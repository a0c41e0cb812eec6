package dev.workflow.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.workflow.api.JobNotCancellableException;
import dev.workflow.api.JobNotFoundException;
import dev.workflow.api.JobNotRetryableException;
import dev.workflow.api.StartOptions;
import dev.workflow.api.StepArgumentResolver;
import dev.workflow.api.WorkflowException;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.registry.WorkflowRegistry;
import dev.workflow.store.DefinitionVersionRows;
import dev.workflow.store.Events;
import dev.workflow.store.JobRows;
import dev.workflow.store.JobStatistics;
import dev.workflow.store.OutboxRows;
import dev.workflow.store.PausedWorkflows;
import dev.workflow.store.RateLimits;
import dev.workflow.store.StepCompletions;
import dev.workflow.store.StepExecutions;
import dev.workflow.store.WaitingJobs;
import dev.workflow.transport.StepMessageHandler;
import dev.workflow.transport.StepPublisher;
import dev.workflow.transport.WorkflowTopology;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts jobs and runs their steps. Every change of a job's state happens in one transaction that also writes the
 * messages it calls for to the outbox; they are published after commit, and an incoming step message is acked only
 * after that. A redelivered message whose step execution has already ended changes nothing.
 * <p>
 * This class only wires the engine's parts together and delegates to them; see the
 * {@link dev.workflow.engine package description} for the life cycle of a step and the part that does each stage.
 */
public class WorkflowEngine implements StepMessageHandler {

	/** The logging context key of the job a step belongs to, set while the step is handled. */
	public static final String MDC_JOB_ID = "jobId";

	/** The logging context key of the workflow a step belongs to. */
	public static final String MDC_WORKFLOW = "workflow";

	/** The logging context key of the step being handled. */
	public static final String MDC_STEP = "step";

	private static final Log logger = LogFactory.getLog(WorkflowEngine.class);

	/** Longest wait at shutdown for the hand-backs of interrupted steps. */
	static final long HAND_BACK_WAIT_SECONDS = 10;

	private final TransactionTemplate transactions;

	private final WorkflowJson json;

	private final EngineSettings settings;

	private final Clock clock;

	private final AtomicBoolean stopping = new AtomicBoolean();

	private final RunningSteps running = new RunningSteps();

	private final UnknownWork unknownWork;

	private final StepBindings bindings;

	private final OutboxMessages outbox;

	private final JobStarter starter;

	private final StepHandler handler;

	private final Commands commands;

	private final DueWork dueWork;

	private final Admissions admissions;

	private final Pauses pauses;

	/**
	 * The repositories of the engine's tables.
	 *
	 * @param jobs the rows of jobs
	 * @param steps the rows of step executions
	 * @param completions the completions of step executions
	 * @param outbox the rows of the outbox
	 * @param events the rows of kept events
	 * @param definitions the rows of definition versions
	 * @param statistics the statistics of jobs and step executions
	 * @param waiting the jobs that wait for a place under their workflow's concurrency limits
	 * @param paused the paused workflows
	 * @param rates the token buckets of rate limits
	 */
	public record Repositories(JobRows jobs, StepExecutions steps, StepCompletions completions, OutboxRows outbox,
			Events events, DefinitionVersionRows definitions, JobStatistics statistics, WaitingJobs waiting,
			PausedWorkflows paused, RateLimits rates) {
	}

	/**
	 * Creates the engine.
	 * @param beanFactory the bean factory whose workflows it runs
	 * @param store the repositories of the engine's tables
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
	public WorkflowEngine(ListableBeanFactory beanFactory, Repositories store, TransactionTemplate transactions,
			StepPublisher publisher, WorkflowTopology topology, WorkflowJson json, ApplicationEventPublisher events,
			List<StepArgumentResolver> resolvers, EngineSettings settings, Clock clock,
			ObservationRegistry observationRegistry) {
		this.transactions = transactions;
		this.json = json;
		this.settings = settings;
		this.clock = clock;
		EngineObservations observations = new EngineObservations(observationRegistry, this.stopping::get);
		this.unknownWork = new UnknownWork(store.steps(), store.statistics(), clock, settings);
		DefinitionVersions definitions = new DefinitionVersions(store.definitions(), clock);
		this.bindings = new StepBindings(beanFactory, json, resolvers, settings, topology, this.unknownWork,
				definitions, clock);
		EngineEvents engineEvents = new EngineEvents(events, observations);
		this.outbox = new OutboxMessages(store.outbox(), json, topology, this.bindings, publisher);
		HistoryCache history = new HistoryCache(store.steps(), settings);
		// Admissions need the transitions, which ask for admissions: the request reads the field when it is made.
		JobTransitions transitions = new JobTransitions(store.jobs(), store.steps(), store.events(), json,
				this.bindings, settings, this.outbox, history, engineEvents, this::requestAdmission);
		this.admissions = new Admissions(this.bindings, store.jobs(), store.waiting(), transactions, settings, clock,
				transitions, this.outbox);
		this.starter = new JobStarter(this.bindings, store.jobs(), transactions, json, settings, clock, observations,
				transitions, this.outbox, engineEvents);
		StepFailures failures = new StepFailures(this.bindings, store.jobs(), store.steps(), transactions, json, clock,
				transitions, this.outbox, history);
		StepCompletion completion = new StepCompletion(this.bindings, store.jobs(), store.steps(), store.completions(),
				transactions, json, settings, clock, transitions, this.outbox, history, engineEvents);
		this.pauses = new Pauses(store.paused(), transactions, clock);
		RateGate rates = new RateGate(store.rates(), store.steps(), this.bindings, transactions, settings);
		this.handler = new StepHandler(this.bindings, store.jobs(), store.steps(), transactions, json, settings, clock,
				this.running, observations, this.unknownWork, definitions, transitions, completion, failures,
				this.outbox, engineEvents, this.stopping, this.pauses, rates);
		this.commands = new Commands(this.bindings, store.jobs(), store.steps(), store.events(), transactions, json,
				settings, clock, transitions, this.outbox, history, engineEvents);
		this.dueWork = new DueWork(this.bindings, store.jobs(), store.steps(), store.outbox(), transactions, json,
				settings, clock, publisher, this.running, transitions, failures, this.outbox);
	}

	private void requestAdmission(String workflowName) {
		this.admissions.request(workflowName);
	}

	/**
	 * Finds the application's workflows and binds every step parameter to its source. Called once all singletons
	 * exist; an invalid definition fails the start.
	 */
	public void initialize() {
		this.bindings.initialize();
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
		return this.bindings.registry();
	}

	WorkflowJson json() {
		return this.json;
	}

	OrchestrationDecider orchestration() {
		return this.bindings.orchestration();
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
	 * @return the job's id (of the existing job, for an idempotency key used before with this workflow), and whether
	 * this start created it
	 */
	Started start(String workflowName, @Nullable Object input, StartOptions options) {
		return this.starter.start(workflowName, input, options);
	}

	/**
	 * Pauses a workflow: its steps are held rather than run until it is resumed.
	 * @param workflowName the workflow
	 * @return {@code false} if it was paused already
	 * @throws dev.workflow.api.UnknownWorkflowException if the workflow is not registered
	 */
	boolean pause(String workflowName) {
		return this.pauses.pause(this.bindings.registry().require(workflowName).name());
	}

	/**
	 * Resumes a paused workflow: its held steps go on.
	 * @param workflowName the workflow
	 * @return {@code false} if it was not paused
	 */
	boolean resume(String workflowName) {
		return this.pauses.resume(workflowName);
	}

	/**
	 * Returns the paused workflows.
	 * @return when each was paused, by name
	 */
	Map<String, Instant> pausedWorkflows() {
		return this.pauses.paused();
	}

	/**
	 * Reads the paused workflows again, so that this instance's workers stop running their steps in-process: called
	 * by the background work.
	 */
	public void refreshPauses() {
		this.pauses.refresh();
	}

	/**
	 * Checks an input as a start of a workflow's job would.
	 * @param workflowName the workflow
	 * @param input the input
	 * @throws dev.workflow.api.UnknownWorkflowException if the workflow is not registered
	 * @throws dev.workflow.api.WorkflowSerializationException if the workflow cannot read it
	 */
	void validateInput(String workflowName, @Nullable JsonNode input) {
		WorkflowDefinition workflow = this.bindings.registry().require(workflowName);
		this.bindings.decider(workflow).validateInput(workflow, input);
	}

	/**
	 * Starts jobs of one workflow with the same options, in one transaction.
	 * @param workflowName the workflow
	 * @param inputs the jobs' inputs
	 * @param options the options every job gets; no idempotency key
	 * @return the jobs' ids, in the order of the inputs
	 */
	List<UUID> startAll(String workflowName, List<?> inputs, StartOptions options) {
		return this.starter.startAll(workflowName, inputs, options);
	}

	@Override
	public void handle(byte[] body) {
		this.handler.handle(body);
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
		this.commands.sendEvent(jobId, name, payload);
	}

	/**
	 * Cancels a job: steps not yet started never run, the result of a running one is discarded, and its children
	 * that have not ended are cancelled with it.
	 * @param jobId the job
	 * @throws JobNotFoundException if there is no such job
	 * @throws JobNotCancellableException if the job has already ended
	 */
	public void cancel(UUID jobId) {
		this.commands.cancel(jobId);
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
		this.commands.retry(jobId);
	}

	/**
	 * Ends the jobs past their deadline ({@code @Workflow(timeout)}, a start's timeout) TIMED_OUT, with their
	 * children. Any instance may call it; each job is claimed by one.
	 * @return how many ended
	 */
	public int timeOutJobs() {
		return this.dueWork.timeOutJobs();
	}

	/**
	 * Moves retries whose time has come to the broker. Any instance may call it; each retry is claimed by one.
	 * @return how many were dispatched
	 */
	public int dispatchDueRetries() {
		return this.dueWork.dispatchDueRetries();
	}

	/**
	 * Dispatches again the running steps whose worker stopped renewing their lease, and the queued ones no worker
	 * claimed within the claim timeout (their message is taken as lost). An attempt whose lease has lapsed more often
	 * than {@link EngineSettings#maxLeaseLapses()} allows fails instead, and its step's retry policy decides what
	 * follows.
	 * @return how many were dispatched
	 */
	public int dispatchExpiredLeases() {
		return this.dueWork.dispatchExpiredLeases();
	}

	/**
	 * Publishes outbox rows that a crash left behind, or that the broker did not confirm, and deletes those the broker
	 * confirms. A message the broker refuses is tried again after a wait that doubles, and after
	 * {@code workflow.broker.max-refusals} refusals its step and job fail with the broker's reason.
	 * @return how many were published
	 */
	public int relayOutbox() {
		return this.dueWork.relayOutbox();
	}

	/**
	 * Lets this instance admit waiting jobs again after a stop: called when its background work starts.
	 */
	public void startAdmissions() {
		this.admissions.start();
	}

	/**
	 * Asks for an admission of the waiting jobs of every workflow that has some, in case a wake-up was lost (a crash
	 * between a job's end and the admission it calls for, a database that could not be reached).
	 */
	public void recheckAdmissions() {
		this.admissions.recheck();
	}

	/**
	 * Asks for an admission of the debounced jobs whose window has passed: called by the background work.
	 */
	public void admitDebounced() {
		this.admissions.admitDebounced();
	}

	/**
	 * Extends the leases of the steps this instance is running.
	 */
	public void renewLeases() {
		this.dueWork.renewLeases();
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
		this.stopping.set(true);
	}

	/**
	 * Interrupts the steps still running and waits, up to {@value #HAND_BACK_WAIT_SECONDS} s, for their hand-backs to
	 * be recorded and sent, before the database and broker connections close: this instance stops.
	 */
	public void shutdown() {
		beginShutdown();
		this.running.interruptAll();
		int busy = this.handler.awaitIdle(Duration.ofSeconds(HAND_BACK_WAIT_SECONDS));
		if (busy > 0) {
			logger.warn(busy + " step message(s) still being handled at shutdown; their steps run again elsewhere "
					+ "once their leases lapse");
		}
		this.admissions.stop();
		this.outbox.stop();
	}

}

package dev.workflow.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.workflow.registry.FlowLimits;
import dev.workflow.transport.QueueType;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the workflow engine, under {@code workflow.*}.
 */
@ConfigurationProperties("workflow")
public class WorkflowProperties {

	/**
	 * Whether the workflow engine is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Largest value the engine takes, and largest step message it sends, as UTF-8 JSON: a job's input, user context
	 * and step context, a step's result, an event's payload. A value over it is refused where it enters: a start or
	 * an event sent throws WorkflowPayloadTooLargeException, a step's result fails the job. The default, 8MB, is half
	 * of RabbitMQ 4's default max_message_size (16 MiB), leaving room for the message's envelope. Raise it only as far
	 * as the broker's max_message_size allows.
	 */
	private DataSize maxPayloadSize = DataSize.ofMegabytes(8);

	private final Store store = new Store();

	private final Broker broker = new Broker();

	private final Worker worker = new Worker();

	private final Retry retry = new Retry();

	private final Scheduler scheduler = new Scheduler();

	private final Retention retention = new Retention();

	private final Api api = new Api();

	private final Security security = new Security();

	private final Dashboard dashboard = new Dashboard();

	private final Health health = new Health();

	private final Backlog backlog = new Backlog();

	private final Flow flow = new Flow();

	/**
	 * Settings of worker pools, by pool name ("default" for the default pool). A pool with none takes
	 * workflow.worker.concurrency and workflow.worker.prefetch.
	 */
	private final Map<String, Pool> pools = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public DataSize getMaxPayloadSize() {
		return this.maxPayloadSize;
	}

	public void setMaxPayloadSize(DataSize maxPayloadSize) {
		this.maxPayloadSize = maxPayloadSize;
	}

	public Store getStore() {
		return this.store;
	}

	public Broker getBroker() {
		return this.broker;
	}

	public Worker getWorker() {
		return this.worker;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Scheduler getScheduler() {
		return this.scheduler;
	}

	public Flow getFlow() {
		return this.flow;
	}

	public Retention getRetention() {
		return this.retention;
	}

	public Api getApi() {
		return this.api;
	}

	public Security getSecurity() {
		return this.security;
	}

	public Dashboard getDashboard() {
		return this.dashboard;
	}

	public Health getHealth() {
		return this.health;
	}

	public Backlog getBacklog() {
		return this.backlog;
	}

	public Map<String, Pool> getPools() {
		return this.pools;
	}

	/**
	 * Refuses a count below 1 as the property is bound; Spring Boot's report of the failed start names the property,
	 * its value and where it was set.
	 */
	static int atLeastOne(int value) {
		if (value < 1) {
			throw new IllegalArgumentException("must be 1 or more, not " + value);
		}
		return value;
	}

	/**
	 * Refuses a duration that is zero or negative as the property is bound.
	 */
	static Duration positive(Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("must be positive, not " + value);
		}
		return value;
	}

	/**
	 * Where jobs are kept.
	 */
	public static class Store {

		/**
		 * Whether the engine creates and upgrades its tables with Flyway at start-up. Turn it off when a database
		 * administrator applies the scripts under classpath:dev/workflow/store/migration instead.
		 */
		private boolean initializeSchema = true;

		/**
		 * Name of the table in which Flyway records the engine's own migrations, apart from the application's.
		 */
		private String schemaHistoryTable = "wf_schema_history";

		/**
		 * Most pipeline step completions, and apart from them most job starts outside a transaction, that share one
		 * transaction and its commit when this instance's threads run them at the same moment. A lone one commits at
		 * once; 1 commits each alone (needed with a data source that depends on the calling thread).
		 */
		private int commitGroupSize = 16;

		public boolean isInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(boolean initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public String getSchemaHistoryTable() {
			return this.schemaHistoryTable;
		}

		public void setSchemaHistoryTable(String schemaHistoryTable) {
			this.schemaHistoryTable = schemaHistoryTable;
		}

		public int getCommitGroupSize() {
			return this.commitGroupSize;
		}

		public void setCommitGroupSize(int commitGroupSize) {
			this.commitGroupSize = commitGroupSize;
		}

	}

	/**
	 * How steps travel over RabbitMQ.
	 */
	public static class Broker {

		/**
		 * Name of the durable direct exchange that step messages are published to.
		 */
		private String exchange = "workflow";

		/**
		 * Name of the durable queue that workers consume step messages from.
		 */
		private String stepQueue = "workflow.steps";

		/**
		 * Routing key that binds the step queue to the exchange.
		 */
		private String stepRoutingKey = "workflow.step";

		/**
		 * Name of the durable queue that messages no worker can ever handle (malformed, or with an input that no
		 * longer converts) are moved to. Steps of workflows or steps this instance lacks are handed back instead.
		 */
		private String parkingQueue = "workflow.steps.parked";

		/**
		 * How long to wait for the broker to confirm a published message before leaving it in the outbox.
		 */
		private Duration confirmTimeout = Duration.ofSeconds(10);

		/**
		 * How many times the broker may refuse a step message for good (close the channel over it, as RabbitMQ does
		 * for a message over its max_message_size or to an exchange that does not exist) before its step and job fail
		 * with the broker's reason. The outbox relay tries a refused message alone, after a wait that doubles from
		 * workflow.scheduler.outbox-relay-after. A nack or a return (a queue deleted, unbound, full or without a
		 * leader) and a broker that cannot be reached refuse nothing: those messages wait in the outbox, tried again
		 * every workflow.scheduler.outbox-relay-after, for as long as it takes.
		 */
		private int maxRefusals = 5;

		/**
		 * Type of every queue the engine declares (those of the worker pools and the parking queue): classic, or
		 * quorum for queues replicated over a RabbitMQ cluster (RabbitMQ 3.10 or later). The type of an existing
		 * queue cannot change: a queue that exists with the other type fails the start. RabbitMQ 4 drops a message
		 * from a quorum queue after 20 redeliveries by default; its step is dispatched again from the database after
		 * workflow.worker.claim-timeout.
		 */
		private QueueType queueType = QueueType.CLASSIC;

		public String getExchange() {
			return this.exchange;
		}

		public void setExchange(String exchange) {
			this.exchange = exchange;
		}

		public String getStepQueue() {
			return this.stepQueue;
		}

		public void setStepQueue(String stepQueue) {
			this.stepQueue = stepQueue;
		}

		public String getStepRoutingKey() {
			return this.stepRoutingKey;
		}

		public void setStepRoutingKey(String stepRoutingKey) {
			this.stepRoutingKey = stepRoutingKey;
		}

		public String getParkingQueue() {
			return this.parkingQueue;
		}

		public void setParkingQueue(String parkingQueue) {
			this.parkingQueue = parkingQueue;
		}

		public Duration getConfirmTimeout() {
			return this.confirmTimeout;
		}

		public void setConfirmTimeout(Duration confirmTimeout) {
			this.confirmTimeout = confirmTimeout;
		}

		public int getMaxRefusals() {
			return this.maxRefusals;
		}

		public void setMaxRefusals(int maxRefusals) {
			this.maxRefusals = maxRefusals;
		}

		public QueueType getQueueType() {
			return this.queueType;
		}

		public void setQueueType(QueueType queueType) {
			this.queueType = queueType;
		}

	}

	/**
	 * How this instance runs steps.
	 */
	public static class Worker {

		/**
		 * Whether this instance runs steps. An instance with workers off still starts and reads jobs.
		 */
		private boolean enabled = true;

		/**
		 * Number of steps this instance runs at the same time (one consumer each).
		 */
		private int concurrency = 4;

		/**
		 * Number of unacknowledged step messages the broker sends each consumer ahead. A consumer runs them one
		 * after another, so a long step holds up the messages behind it: raise it only when all steps are short.
		 */
		private int prefetch = 1;

		/**
		 * Identity of this instance in step executions. Defaults to host name and process id.
		 */
		private @Nullable String id;

		/**
		 * How long one step attempt may run before it is interrupted and counted as timed out. A step can set its
		 * own with @Step(timeout = ...).
		 */
		private Duration stepTimeout = Duration.ofMinutes(5);

		/**
		 * How long a running step execution stays claimed by its worker without a renewal. The worker renews it
		 * every third of this; when it lapses (the worker hung or vanished) the step is dispatched again.
		 */
		private Duration leaseDuration = Duration.ofSeconds(30);

		/**
		 * How many times one attempt of a step may lose its lease (its worker crashed, hung, or could not record the
		 * outcome) and be dispatched again. The next lapse ends the attempt as failed, and the step's retry policy
		 * decides whether another attempt follows, so that no attempt runs again without bound.
		 */
		private int maxLeaseLapses = 3;

		/**
		 * How long a queued step may wait for a worker to claim its message. Past it the message is taken as lost
		 * (a purged or deleted queue, say) and the step is dispatched again; a duplicate of a message that was only
		 * slow is discarded by the claim. Set it above the longest time work waits in the queue.
		 */
		private Duration claimTimeout = Duration.ofMinutes(15);

		/**
		 * How long a step may wait for an instance that has its code (its workflow or step is of another release,
		 * during a rolling deploy, or was removed). Until then an instance without the code hands the step back, to
		 * be dispatched again after a back-off; the instance that receives it past this time fails its job.
		 */
		private Duration unknownWorkTimeout = Duration.ofHours(1);

		/**
		 * The back-off after the first hand-back of a step this instance has no code for; it doubles with each
		 * further hand-back of the step, up to {@code unknown-work-max-backoff}.
		 */
		private Duration unknownWorkBackoff = Duration.ofMillis(500);

		/**
		 * The longest back-off between two hand-backs of a step no instance could run so far. While no instance
		 * has its code, each such step costs one statement and one message per back-off.
		 */
		private Duration unknownWorkMaxBackoff = Duration.ofSeconds(30);

		/**
		 * How long shutdown waits for steps in flight to finish before their messages go back to the broker.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		/**
		 * Most steps of one job a worker runs in-process, one after the other, after the step whose message it
		 * received: when a step's completion decides exactly one next step, in the same worker pool, the worker
		 * claims it in the completion's transaction and runs it at once, with no message. Past this bound (or the
		 * time slice) the next step goes through the broker, so that one long job does not hold a consumer. 0 sends
		 * every step through the broker.
		 */
		private int chainSteps = 100;

		/**
		 * Longest time a worker keeps running the steps of one job in-process before the next step goes through the
		 * broker (see chain-steps).
		 */
		private Duration chainTimeSlice = Duration.ofSeconds(1);

		/**
		 * How long a worker waits before handing a message back to the broker after a failure of the database or
		 * the broker, so that an outage does not turn into a redelivery storm.
		 */
		private Duration errorBackoff = Duration.ofSeconds(1);

		/**
		 * How many jobs of workflow methods a worker keeps the completed part of the history of, decoded, between
		 * replays, so that a replay reads only what is new. 0 turns the cache off.
		 */
		private int historyCacheJobs = 1000;

		/**
		 * Worker pools this instance runs the steps of, one consumer group each ("default" names the default pool).
		 * Empty (the default) serves the pools that this instance's workflows and steps run in; an instance without
		 * workflows whose steps name no pool serves the default pool. The queues of all of them, and of every pool
		 * a workflow or step of this instance names, are declared, so that work waits for an instance that serves
		 * its pool.
		 */
		private List<String> pools = new ArrayList<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = atLeastOne(concurrency);
		}

		public int getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(int prefetch) {
			this.prefetch = atLeastOne(prefetch);
		}

		public @Nullable String getId() {
			return this.id;
		}

		public void setId(@Nullable String id) {
			this.id = id;
		}

		public Duration getStepTimeout() {
			return this.stepTimeout;
		}

		public void setStepTimeout(Duration stepTimeout) {
			this.stepTimeout = stepTimeout;
		}

		public Duration getLeaseDuration() {
			return this.leaseDuration;
		}

		public void setLeaseDuration(Duration leaseDuration) {
			this.leaseDuration = positive(leaseDuration);
		}

		public int getMaxLeaseLapses() {
			return this.maxLeaseLapses;
		}

		public void setMaxLeaseLapses(int maxLeaseLapses) {
			this.maxLeaseLapses = maxLeaseLapses;
		}

		public Duration getClaimTimeout() {
			return this.claimTimeout;
		}

		public void setClaimTimeout(Duration claimTimeout) {
			this.claimTimeout = claimTimeout;
		}

		public Duration getUnknownWorkTimeout() {
			return this.unknownWorkTimeout;
		}

		public void setUnknownWorkTimeout(Duration unknownWorkTimeout) {
			this.unknownWorkTimeout = unknownWorkTimeout;
		}

		public Duration getUnknownWorkBackoff() {
			return this.unknownWorkBackoff;
		}

		public void setUnknownWorkBackoff(Duration unknownWorkBackoff) {
			this.unknownWorkBackoff = unknownWorkBackoff;
		}

		public Duration getUnknownWorkMaxBackoff() {
			return this.unknownWorkMaxBackoff;
		}

		public void setUnknownWorkMaxBackoff(Duration unknownWorkMaxBackoff) {
			this.unknownWorkMaxBackoff = unknownWorkMaxBackoff;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public int getChainSteps() {
			return this.chainSteps;
		}

		public void setChainSteps(int chainSteps) {
			this.chainSteps = chainSteps;
		}

		public Duration getChainTimeSlice() {
			return this.chainTimeSlice;
		}

		public void setChainTimeSlice(Duration chainTimeSlice) {
			this.chainTimeSlice = chainTimeSlice;
		}

		public Duration getErrorBackoff() {
			return this.errorBackoff;
		}

		public int getHistoryCacheJobs() {
			return this.historyCacheJobs;
		}

		public void setHistoryCacheJobs(int historyCacheJobs) {
			this.historyCacheJobs = historyCacheJobs;
		}

		public List<String> getPools() {
			return this.pools;
		}

		public void setPools(List<String> pools) {
			this.pools = pools;
		}

		public void setErrorBackoff(Duration errorBackoff) {
			this.errorBackoff = errorBackoff;
		}

	}

	/**
	 * How failed steps are retried, unless a step says otherwise on its @Step annotation.
	 */
	public static class Retry {

		/**
		 * How many times a step runs at most, counting the first attempt. 1 means no retry.
		 */
		private int maxAttempts = 3;

		/**
		 * Wait before the first retry.
		 */
		private Duration initialDelay = Duration.ofSeconds(1);

		/**
		 * Factor each further wait grows by.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest wait between attempts.
		 */
		private Duration maxDelay = Duration.ofMinutes(5);

		/**
		 * Share of each wait that is random, from 0 (none) to 1, so that retries of many jobs spread out.
		 */
		private double jitter = 0.2;

		/**
		 * Exception types that fail the job at once without retry (NonRetryableStepException always does).
		 */
		private List<Class<? extends Throwable>> nonRetryableExceptions = new ArrayList<>();

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = atLeastOne(maxAttempts);
		}

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			if (!(multiplier >= 1)) {
				throw new IllegalArgumentException("must be 1 or more (a wait never shrinks), not " + multiplier);
			}
			this.multiplier = multiplier;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			if (!(jitter >= 0 && jitter <= 1)) {
				throw new IllegalArgumentException("must be from 0 to 1 (a share of each wait), not " + jitter);
			}
			this.jitter = jitter;
		}

		public List<Class<? extends Throwable>> getNonRetryableExceptions() {
			return this.nonRetryableExceptions;
		}

		public void setNonRetryableExceptions(List<Class<? extends Throwable>> nonRetryableExceptions) {
			this.nonRetryableExceptions = nonRetryableExceptions;
		}

	}

	/**
	 * The work every instance does in the background: moving due retries and expired leases to the broker, and
	 * publishing outbox rows a crash left behind. Rows are claimed with FOR UPDATE SKIP LOCKED, so any number of
	 * instances share it and none does an item twice.
	 */
	public static class Scheduler {

		/**
		 * Whether this instance does background work.
		 */
		private boolean enabled = true;

		/**
		 * How often due work is looked for.
		 */
		private Duration pollInterval = Duration.ofMillis(200);

		/**
		 * Most items claimed in one round.
		 */
		private int batchSize = 500;

		/**
		 * Age after which an outbox row counts as left behind and is published by the relay. Rows are normally
		 * published and deleted within milliseconds of their commit.
		 */
		private Duration outboxRelayAfter = Duration.ofSeconds(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = atLeastOne(batchSize);
		}

		public Duration getOutboxRelayAfter() {
			return this.outboxRelayAfter;
		}

		public void setOutboxRelayAfter(Duration outboxRelayAfter) {
			this.outboxRelayAfter = outboxRelayAfter;
		}

	}

	/**
	 * Flow control: the jobs that wait for a place under their workflow's concurrency limits
	 * ({@code @Workflow(concurrency, keyConcurrency)}, a start's concurrency key) and their priorities, and schedules
	 * ({@code @WorkflowSchedule}).
	 */
	public static class Flow {

		/**
		 * How long a job waits for a place to gain one level of priority over the jobs that wait with it, so that a
		 * job of low priority waits behind later jobs of higher priority for at most the difference of their
		 * priorities times this.
		 */
		private Duration priorityAging = Duration.ofSeconds(10);

		/**
		 * How often each instance looks for waiting jobs that could go but were not woken up (a crash between a
		 * job's end and the admission it asks for, a database that could not be reached). Jobs are normally let
		 * through within milliseconds of a place freeing.
		 */
		private Duration admissionRecheck = Duration.ofSeconds(5);

		/**
		 * How late a schedule's fire may be (behind its fire time when an instance comes to it) and still start its
		 * job; fires later than this were missed (every instance stopped, the database unreachable) and follow the
		 * schedule's missed-fires policy.
		 */
		private Duration misfireThreshold = Duration.ofMinutes(1);

		public Duration getMisfireThreshold() {
			return this.misfireThreshold;
		}

		public void setMisfireThreshold(Duration misfireThreshold) {
			this.misfireThreshold = misfireThreshold;
		}

		public Duration getPriorityAging() {
			return this.priorityAging;
		}

		public void setPriorityAging(Duration priorityAging) {
			this.priorityAging = priorityAging;
		}

		public Duration getAdmissionRecheck() {
			return this.admissionRecheck;
		}

		public void setAdmissionRecheck(Duration admissionRecheck) {
			this.admissionRecheck = admissionRecheck;
		}

	}

	/**
	 * Deletion of jobs that ended long ago (completed, failed, aborted or cancelled), with their history. Off unless
	 * a maximum age is set. Instances that do background work take turns: one at a time deletes, in batches.
	 */
	public static class Retention {

		/**
		 * How long after its end a job is kept before it is deleted, with its history; unset keeps every job.
		 */
		private @Nullable Duration maxAge;

		/**
		 * How often jobs past the maximum age are looked for.
		 */
		private Duration interval = Duration.ofMinutes(1);

		/**
		 * Most jobs deleted in one transaction.
		 */
		private int batchSize = 1000;

		public @Nullable Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(@Nullable Duration maxAge) {
			this.maxAge = maxAge;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = atLeastOne(batchSize);
		}

	}

	/**
	 * The REST API, in servlet web applications.
	 */
	public static class Api {

		/**
		 * Whether the REST API is served.
		 */
		private boolean enabled;

		/**
		 * Path under which the REST API is served; starts with a slash, does not end with one.
		 */
		private String basePath = "/workflow/api";

		/**
		 * Whether the REST API may be served without authentication when the application has no Spring Security
		 * filter chain. Without Spring Security and with this off, the start fails; with it on, anyone who reaches
		 * the API can start, cancel and retry jobs: for a local demo, or behind a gateway that authenticates.
		 */
		private boolean allowUnauthenticated;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isAllowUnauthenticated() {
			return this.allowUnauthenticated;
		}

		public void setAllowUnauthenticated(boolean allowUnauthenticated) {
			this.allowUnauthenticated = allowUnauthenticated;
		}

		public String getBasePath() {
			return this.basePath;
		}

		public void setBasePath(String basePath) {
			this.basePath = basePath;
		}

	}

	/**
	 * Who may use the REST API and the dashboard, when Spring Security is present.
	 */
	public static class Security {

		/**
		 * Whether the REST API and the dashboard get a security filter chain of their own: HTTP Basic, a role to read,
		 * a role to act, CSRF protection of actions. Turn it off to secure their paths in a chain of your own.
		 */
		private boolean enabled = true;

		/**
		 * Role that may read jobs and workflows (without the ROLE_ prefix).
		 */
		private String readRole = "WORKFLOW_READ";

		/**
		 * Role that may also start, cancel and retry jobs and send events (without the ROLE_ prefix).
		 */
		private String actRole = "WORKFLOW_ACT";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getReadRole() {
			return this.readRole;
		}

		public void setReadRole(String readRole) {
			this.readRole = readRole;
		}

		public String getActRole() {
			return this.actRole;
		}

		public void setActRole(String actRole) {
			this.actRole = actRole;
		}

	}

	/**
	 * The web dashboard: an overview per workflow, the job list with filters, each job's timeline, and cancel and
	 * retry. It runs in servlet web applications, in the browser, on the REST API, which must be enabled too.
	 */
	public static class Dashboard {

		/**
		 * Whether the dashboard is served. It needs the REST API (workflow.api.enabled=true).
		 */
		private boolean enabled = false;

		/**
		 * Path of the dashboard's page; its scripts and styles are served under {path}/assets.
		 */
		private String path = "/workflow";

		/**
		 * How often the open page reloads what it shows while live refresh is on.
		 */
		private Duration refreshInterval = Duration.ofSeconds(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

	/**
	 * The engine's health indicator, named "workflow", when the application has Spring Boot's health support
	 * (management.health.workflow.enabled=false turns it off).
	 */
	public static class Health {

		/**
		 * How long due work (a retry, timer or timeout whose time has come, or a running step whose lease has lapsed)
		 * may wait to be dispatched before the engine's health is DOWN.
		 */
		private Duration maxDueAge = Duration.ofMinutes(5);

		public Duration getMaxDueAge() {
			return this.maxDueAge;
		}

		public void setMaxDueAge(Duration maxDueAge) {
			this.maxDueAge = maxDueAge;
		}

	}

	/**
	 * What waits for the background work (outbox rows, due work), as the backlog gauges and the health indicator
	 * report it.
	 */
	public static class Backlog {

		/**
		 * How long the backlog read from the database is reused before it is read again, however often gauges and
		 * health checks ask.
		 */
		private Duration refreshInterval = Duration.ofSeconds(5);

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

	/**
	 * Settings of one worker pool's consumers on this instance.
	 */
	public static class Pool {

		/**
		 * Number of the pool's steps this instance runs at the same time (one consumer each). Defaults to
		 * workflow.worker.concurrency.
		 */
		private @Nullable Integer concurrency;

		/**
		 * Number of unacknowledged step messages of the pool the broker sends each consumer ahead. Defaults to
		 * workflow.worker.prefetch.
		 */
		private @Nullable Integer prefetch;

		/**
		 * At most how many step executions of the pool start per period, across every instance and every
		 * workflow, as permits/period ("50/1s", "1000/1m"): for steps that share a downstream system. Steps beyond
		 * the rate wait in the database for their slot. Empty for no rate limit.
		 */
		private @Nullable String rateLimit;

		private FlowLimits.@Nullable Rate rate;

		public @Nullable Integer getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(@Nullable Integer concurrency) {
			this.concurrency = (concurrency != null) ? atLeastOne(concurrency) : null;
		}

		public @Nullable Integer getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(@Nullable Integer prefetch) {
			this.prefetch = (prefetch != null) ? atLeastOne(prefetch) : null;
		}

		public @Nullable String getRateLimit() {
			return this.rateLimit;
		}

		public void setRateLimit(@Nullable String rateLimit) {
			this.rate = (rateLimit != null) ? FlowLimits.Rate.parse(rateLimit, "\"" + rateLimit + "\"") : null;
			this.rateLimit = rateLimit;
		}

		/**
		 * Returns the rate limit, read.
		 * @return the rate, or {@code null} for none
		 */
		FlowLimits.@Nullable Rate rate() {
			return this.rate;
		}

	}

}

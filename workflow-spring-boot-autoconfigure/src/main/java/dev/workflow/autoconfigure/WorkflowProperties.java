package dev.workflow.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the workflow engine, under {@code workflow.*}.
 */
@ConfigurationProperties("workflow")
public class WorkflowProperties {

	/**
	 * Whether the workflow engine is enabled.
	 */
	private boolean enabled = true;

	private final Store store = new Store();

	private final Broker broker = new Broker();

	private final Worker worker = new Worker();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
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
		 * Name of the durable queue that messages no worker can ever handle (malformed, unknown workflow or step,
		 * input that does not convert) are moved to.
		 */
		private String parkingQueue = "workflow.steps.parked";

		/**
		 * How long to wait for the broker to confirm a published message before leaving it in the outbox.
		 */
		private Duration confirmTimeout = Duration.ofSeconds(10);

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
		 * Number of unacknowledged step messages the broker sends each consumer ahead.
		 */
		private int prefetch = 10;

		/**
		 * Identity of this instance in step executions. Defaults to host name and process id.
		 */
		private @Nullable String id;

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
			this.concurrency = concurrency;
		}

		public int getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(int prefetch) {
			this.prefetch = prefetch;
		}

		public @Nullable String getId() {
			return this.id;
		}

		public void setId(@Nullable String id) {
			this.id = id;
		}

	}

}

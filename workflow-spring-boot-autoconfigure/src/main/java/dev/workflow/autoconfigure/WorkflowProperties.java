package dev.workflow.autoconfigure;

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

	}

}

package dev.workflow.testing;

import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.workflow.transport.WorkflowTopology;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Keeps the engine's state of one {@link WorkflowTest @WorkflowTest} context apart from every other's: its
 * connections work in a schema of its own (first on their search path, before {@code public}), which the engine's
 * migration fills; its exchange and queues have names of their own (set as properties by the context customizer).
 * When the context closes, after the engine has stopped, the schema and the queues are dropped.
 */
final class WorkflowTestIsolation implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(WorkflowTestIsolation.class);

	private final String schema;

	WorkflowTestIsolation(String schema) {
		this.schema = schema;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool) {
			if (pool.getConnectionInitSql() != null) {
				throw new IllegalStateException("@WorkflowTest gives each context a schema of its own with the "
						+ "connection pool's init SQL, but data source '" + beanName + "' has one already ("
						+ pool.getConnectionInitSql() + ")");
			}
			pool.setConnectionInitSql("create schema if not exists " + this.schema + "; set search_path to "
					+ this.schema + ", public");
		}
		else if (bean instanceof DataSource) {
			logger.warn("Data source '" + beanName + "' is a " + bean.getClass().getName() + ", not a Hikari pool: "
					+ "@WorkflowTest cannot give this context a schema of its own, and contexts that share its "
					+ "database may take each other's due work");
		}
		return bean;
	}

	/**
	 * Drops what a context made for itself when it closes: destroyed after every lifecycle bean (the engine, its
	 * consumers) has stopped, and before the data sources and the broker's connection factories, which it declares
	 * it depends on. (Not a lifecycle bean itself: the test framework stops the lifecycle beans of a cached context
	 * that it pauses, and starts them again when a test needs the context.)
	 */
	static final class Cleanup implements SmartInitializingSingleton, DisposableBean {

		static final String BEAN_NAME = "workflowTestCleanup";

		private final String schema;

		private final ConfigurableListableBeanFactory beanFactory;

		Cleanup(String schema, ConfigurableListableBeanFactory beanFactory) {
			this.schema = schema;
			this.beanFactory = beanFactory;
		}

		@Override
		public void afterSingletonsInstantiated() {
			for (Class<?> type : List.of(DataSource.class, ConnectionFactory.class)) {
				for (String name : this.beanFactory.getBeanNamesForType(type, false, false)) {
					this.beanFactory.registerDependentBean(name, BEAN_NAME);
				}
			}
		}

		@Override
		public void destroy() {
			try {
				DataSource source = this.beanFactory.getBeanProvider(DataSource.class).getIfAvailable();
				if (source instanceof HikariDataSource) {
					new JdbcTemplate(source).execute("drop schema if exists " + this.schema + " cascade");
				}
				AmqpAdmin amqp = this.beanFactory.getBeanProvider(AmqpAdmin.class).getIfAvailable();
				WorkflowTopology names = this.beanFactory.getBeanProvider(WorkflowTopology.class).getIfAvailable();
				if (amqp != null && names != null) {
					names.declarables().getDeclarables().forEach((declarable) -> {
						if (declarable instanceof Queue queue) {
							amqp.deleteQueue(queue.getName());
						}
						else if (declarable instanceof Exchange exchange) {
							amqp.deleteExchange(exchange.getName());
						}
					});
				}
			}
			catch (RuntimeException ex) {
				// The servers may be gone already (embedded ones stop with the JVM): nothing is left to tidy.
				logger.debug("Could not drop the schema and queues of a @WorkflowTest context: " + ex);
			}
		}

	}

}

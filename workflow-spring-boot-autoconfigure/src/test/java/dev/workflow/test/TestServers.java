package dev.workflow.test;

import dev.workflow.autoconfigure.WorkflowAutoConfiguration;
import dev.workflow.devservers.BrokerServer;
import dev.workflow.devservers.DatabaseServer;
import dev.workflow.devservers.DevServers;

import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;

/**
 * The tests' servers as properties, for tests that build contexts without a {@code SpringApplication} (whose
 * environment post-processors would otherwise supply them).
 */
public final class TestServers {

	private TestServers() {
	}

	/**
	 * Returns the connection properties of the tests' PostgreSQL and RabbitMQ.
	 * @return {@code key=value} pairs
	 */
	public static String[] properties() {
		DatabaseServer database = DevServers.database();
		BrokerServer broker = DevServers.broker();
		return new String[] { "spring.datasource.url=" + database.jdbcUrl(),
				"spring.datasource.username=" + database.username(),
				"spring.datasource.password=" + database.password(), "spring.rabbitmq.host=" + broker.host(),
				"spring.rabbitmq.port=" + broker.port(), "spring.rabbitmq.username=" + broker.username(),
				"spring.rabbitmq.password=" + broker.password() };
	}

	/**
	 * Returns a context runner with the auto-configurations an application with the starter has, pointed at the
	 * tests' servers, with queues of its own so that it never takes another test's messages.
	 * @param name a name for the queues
	 * @return the runner
	 */
	public static ApplicationContextRunner runner(String name) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					HibernateJpaAutoConfiguration.class, TransactionAutoConfiguration.class,
					RabbitAutoConfiguration.class, JacksonAutoConfiguration.class, WorkflowAutoConfiguration.class))
			.withPropertyValues(properties())
			.withPropertyValues("workflow.broker.exchange=wf-test-" + name,
					"workflow.broker.step-queue=wf-test-" + name + ".steps",
					"workflow.broker.parking-queue=wf-test-" + name + ".parked");
	}

}

package dev.workflow.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

import dev.workflow.autoconfigure.WorkflowAutoConfiguration;
import dev.workflow.devservers.BrokerServer;
import dev.workflow.devservers.DatabaseServer;
import dev.workflow.devservers.DevServers;
import dev.workflow.devservers.ServerSource;

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
	 * Restarts the tests' RabbitMQ, keeping its data: possible when the servers came from
	 * {@code scripts/servers.sh}, which exports its own path as {@code WORKFLOW_SERVERS_SCRIPT}.
	 */
	public static void restartBroker() {
		runServersScript("restart-rabbitmq");
	}

	/**
	 * Restarts the tests' PostgreSQL, keeping its data, like {@link #restartBroker()}.
	 */
	public static void restartDatabase() {
		runServersScript("restart-postgres");
	}

	/**
	 * Whether the servers can be restarted by a test: they came from {@code scripts/servers.sh}.
	 * @return {@code true} if they can
	 */
	public static boolean restartable() {
		return System.getenv("WORKFLOW_SERVERS_SCRIPT") != null
				&& DevServers.database().source() == ServerSource.ENVIRONMENT
				&& DevServers.broker().source() == ServerSource.ENVIRONMENT;
	}

	private static void runServersScript(String command) {
		try {
			Process process = new ProcessBuilder(System.getenv("WORKFLOW_SERVERS_SCRIPT"), command).inheritIO().start();
			if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
				throw new IllegalStateException("scripts/servers.sh " + command + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
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

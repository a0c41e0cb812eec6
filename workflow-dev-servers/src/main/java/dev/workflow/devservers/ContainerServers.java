package dev.workflow.devservers;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * PostgreSQL and RabbitMQ in containers. Loaded only when Testcontainers is on the class path.
 * Containers are stopped by Testcontainers' own reaper when the JVM exits.
 */
final class ContainerServers {

	private ContainerServers() {
	}

	static boolean dockerAvailable() {
		return DockerClientFactory.instance().isDockerAvailable();
	}

	static DatabaseServer startDatabase() {
		PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:17-alpine");
		postgres.start();
		return new DatabaseServer(ServerSource.TESTCONTAINERS, postgres.getJdbcUrl(), postgres.getUsername(),
				postgres.getPassword());
	}

	static BrokerServer startBroker() {
		RabbitMQContainer rabbit = new RabbitMQContainer("rabbitmq:4-alpine");
		rabbit.start();
		return new BrokerServer(ServerSource.TESTCONTAINERS, "RabbitMQ", rabbit.getHost(), rabbit.getAmqpPort(),
				rabbit.getAdminUsername(), rabbit.getAdminPassword());
	}

}

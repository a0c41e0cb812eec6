package dev.workflow.devservers;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.ClassUtils;

/**
 * The PostgreSQL and RabbitMQ servers of this JVM, chosen once and shared by every application context in it.
 * <p>
 * Each server is chosen on its own, in this order: the connection given in the process environment
 * ({@code SPRING_DATASOURCE_URL}, {@code SPRING_RABBITMQ_HOST} or {@code _PORT} or {@code _ADDRESSES}, or the same
 * keys as properties); else a Testcontainers container when Testcontainers is on the class path and a Docker engine
 * answers; else a server embedded in this JVM. Started servers stop when the JVM exits.
 */
public final class DevServers {

	private static final String TESTCONTAINERS_CLASS = "org.testcontainers.DockerClientFactory";

	private static @Nullable DatabaseServer database;

	private static @Nullable BrokerServer broker;

	private static @Nullable Boolean docker;

	private DevServers() {
	}

	/**
	 * Returns the database server of this JVM, starting one if the process environment (environment variables and
	 * system properties) names none.
	 * @return the database server
	 */
	public static synchronized DatabaseServer database() {
		if (database == null) {
			database = chooseDatabase(new StandardEnvironment());
		}
		return database;
	}

	/**
	 * Returns the broker of this JVM, starting one if the process environment (environment variables and system
	 * properties) names none.
	 * @return the broker
	 */
	public static synchronized BrokerServer broker() {
		if (broker == null) {
			broker = chooseBroker(new StandardEnvironment());
		}
		return broker;
	}

	/**
	 * Whether this JVM has chosen (and, unless configured, started) a database or a broker.
	 * @return {@code true} once {@link #database()} or {@link #broker()} has been called
	 */
	static synchronized boolean anyChosen() {
		return database != null || broker != null;
	}

	static boolean databaseConfigured(Environment environment) {
		return environment.containsProperty("spring.datasource.url");
	}

	static boolean brokerConfigured(Environment environment) {
		return environment.containsProperty("spring.rabbitmq.host") || environment.containsProperty("spring.rabbitmq.port")
				|| environment.containsProperty("spring.rabbitmq.addresses");
	}

	static DatabaseServer configuredDatabase(Environment environment) {
		return new DatabaseServer(ServerSource.ENVIRONMENT, environment.getRequiredProperty("spring.datasource.url"),
				environment.getProperty("spring.datasource.username", ""),
				environment.getProperty("spring.datasource.password", ""));
	}

	static BrokerServer configuredBroker(Environment environment) {
		String addresses = environment.getProperty("spring.rabbitmq.addresses");
		String host = environment.getProperty("spring.rabbitmq.host", "localhost");
		int port = environment.getProperty("spring.rabbitmq.port", Integer.class, 5672);
		if (addresses != null && !addresses.isBlank()) {
			String first = addresses.split(",")[0].trim().replaceFirst("^amqps?://", "").replaceFirst("^.*@", "");
			int colon = first.lastIndexOf(':');
			host = (colon > 0) ? first.substring(0, colon) : first;
			port = (colon > 0) ? Integer.parseInt(first.substring(colon + 1).replaceFirst("/.*$", "")) : 5672;
		}
		return new BrokerServer(ServerSource.ENVIRONMENT, "RabbitMQ", host, port,
				environment.getProperty("spring.rabbitmq.username", "guest"),
				environment.getProperty("spring.rabbitmq.password", "guest"));
	}

	private static DatabaseServer chooseDatabase(Environment environment) {
		if (databaseConfigured(environment)) {
			return configuredDatabase(environment);
		}
		if (dockerAvailable(environment)) {
			return ContainerServers.startDatabase();
		}
		return EmbeddedDatabase.start();
	}

	private static BrokerServer chooseBroker(Environment environment) {
		if (brokerConfigured(environment)) {
			return configuredBroker(environment);
		}
		if (dockerAvailable(environment)) {
			return ContainerServers.startBroker();
		}
		return EmbeddedBroker.start();
	}

	private static boolean dockerAvailable(Environment environment) {
		if (docker == null) {
			docker = environment.getProperty("workflow.dev-servers.testcontainers", Boolean.class, true)
					&& ClassUtils.isPresent(TESTCONTAINERS_CLASS, DevServers.class.getClassLoader())
					&& ContainerServers.dockerAvailable();
		}
		return docker;
	}

}

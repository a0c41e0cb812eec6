package dev.workflow.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PostgreSQL and RabbitMQ servers every system of one run uses, handed from the parent JVM to each child through
 * Spring's environment variables.
 *
 * @param jdbcUrl the PostgreSQL JDBC URL
 * @param dbUser the database user
 * @param dbPassword the database password
 * @param amqpHost the broker host
 * @param amqpPort the broker port
 * @param amqpUser the broker user
 * @param amqpPassword the broker password
 */
public record Servers(String jdbcUrl, String dbUser, String dbPassword, String amqpHost, int amqpPort, String amqpUser,
		String amqpPassword) {

	/**
	 * The JDBC URL through {@link CountingDriver}, which counts the statements sent.
	 * @return the counting URL
	 */
	public String countingJdbcUrl() {
		return CountingDriver.PREFIX + this.jdbcUrl.substring("jdbc:".length());
	}

	Map<String, String> toEnvironment() {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("SPRING_DATASOURCE_URL", this.jdbcUrl);
		env.put("SPRING_DATASOURCE_USERNAME", this.dbUser);
		env.put("SPRING_DATASOURCE_PASSWORD", this.dbPassword);
		env.put("SPRING_RABBITMQ_HOST", this.amqpHost);
		env.put("SPRING_RABBITMQ_PORT", Integer.toString(this.amqpPort));
		env.put("SPRING_RABBITMQ_USERNAME", this.amqpUser);
		env.put("SPRING_RABBITMQ_PASSWORD", this.amqpPassword);
		return env;
	}

	static Servers fromEnvironment() {
		Map<String, String> env = System.getenv();
		return new Servers(required(env, "SPRING_DATASOURCE_URL"), env.getOrDefault("SPRING_DATASOURCE_USERNAME", ""),
				env.getOrDefault("SPRING_DATASOURCE_PASSWORD", ""), env.getOrDefault("SPRING_RABBITMQ_HOST", "localhost"),
				Integer.parseInt(env.getOrDefault("SPRING_RABBITMQ_PORT", "5672")),
				env.getOrDefault("SPRING_RABBITMQ_USERNAME", "guest"),
				env.getOrDefault("SPRING_RABBITMQ_PASSWORD", "guest"));
	}

	private static String required(Map<String, String> env, String name) {
		String value = env.get(name);
		if (value == null || value.isBlank()) {
			throw new IllegalStateException(name + " is not set");
		}
		return value;
	}

}

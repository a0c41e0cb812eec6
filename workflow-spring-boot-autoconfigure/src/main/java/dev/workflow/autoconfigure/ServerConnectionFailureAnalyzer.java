package dev.workflow.autoconfigure;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

import org.springframework.amqp.AmqpAuthenticationException;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Turns a start that failed because PostgreSQL or RabbitMQ could not be reached, or because no database is
 * configured at all, into a short report that names the address tried and what to check, in place of a wall of stack
 * traces. It comes before Spring Boot's own report of a data source without a URL, which suggests an embedded H2.
 */
class ServerConnectionFailureAnalyzer implements FailureAnalyzer, Ordered {

	/** What Spring Boot throws when its data source properties name no database it can use. */
	private static final String DATA_SOURCE_PROPERTIES_FAILURE = "org.springframework.boot.jdbc.autoconfigure."
			+ "DataSourceProperties$DataSourceBeanCreationException";

	private static final boolean AMQP_PRESENT = ClassUtils.isPresent("org.springframework.amqp.AmqpConnectException",
			ServerConnectionFailureAnalyzer.class.getClassLoader());

	private final Environment environment;

	ServerConnectionFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause.getClass().getName().equals(DATA_SOURCE_PROPERTIES_FAILURE)
					&& !StringUtils.hasText(this.environment.getProperty("spring.datasource.url"))) {
				return databaseNotConfigured(cause);
			}
			if (cause instanceof SQLException sql && isConnectionFailure(sql)) {
				return databaseUnreachable(sql);
			}
			if (AMQP_PRESENT && (cause instanceof AmqpConnectException || cause instanceof AmqpAuthenticationException)) {
				return brokerUnreachable(cause);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	private static boolean isConnectionFailure(SQLException ex) {
		String state = ex.getSQLState();
		// 08: connection exception; 28: invalid authorization; 3D000: the database does not exist.
		return state != null && (state.startsWith("08") || state.startsWith("28") || state.equals("3D000"));
	}

	private static FailureAnalysis databaseNotConfigured(Throwable ex) {
		String description = "No PostgreSQL database is configured: spring.datasource.url is not set, and the workflow "
				+ "engine keeps its jobs in PostgreSQL.";
		String action = "Set spring.datasource.url, spring.datasource.username and spring.datasource.password (or "
				+ "SPRING_DATASOURCE_URL, SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD) to the database "
				+ "the jobs are to live in. Embedded servers (workflow-dev-servers) serve tests and local runs only; a "
				+ "packaged application has none.";
		return new FailureAnalysis(description, action, ex);
	}

	private FailureAnalysis databaseUnreachable(SQLException ex) {
		String url = this.environment.getProperty("spring.datasource.url", "(no spring.datasource.url set)");
		String user = this.environment.getProperty("spring.datasource.username", "");
		String description = "Could not connect to the PostgreSQL database at " + url
				+ (user.isEmpty() ? "" : " as user '" + user + "'") + ": " + ex.getMessage();
		String action = "Check that PostgreSQL is running and reachable at that address, or set spring.datasource.url, "
				+ "spring.datasource.username and spring.datasource.password (or SPRING_DATASOURCE_URL and friends) "
				+ "to a server that is.";
		return new FailureAnalysis(description, action, ex);
	}

	private FailureAnalysis brokerUnreachable(Throwable ex) {
		String addresses = this.environment.getProperty("spring.rabbitmq.addresses");
		String target = (addresses != null && !addresses.isBlank()) ? addresses
				: "amqp://" + this.environment.getProperty("spring.rabbitmq.host", "localhost") + ":"
						+ this.environment.getProperty("spring.rabbitmq.port", "5672")
						+ this.environment.getProperty("spring.rabbitmq.virtual-host", "/");
		String reason = (ex.getCause() != null) ? ex.getCause().toString() : String.valueOf(ex.getMessage());
		String description = "Could not connect to the RabbitMQ broker at " + target + ": " + reason;
		String action = "Check that RabbitMQ is running and reachable at that address, or set spring.rabbitmq.host, "
				+ "spring.rabbitmq.port, spring.rabbitmq.username and spring.rabbitmq.password (or "
				+ "SPRING_RABBITMQ_HOST and friends) to a broker that is.";
		return new FailureAnalysis(description, action, ex);
	}

}

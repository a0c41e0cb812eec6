package dev.workflow.devservers;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Offers the {@link DevServers} to an application as Spring Boot's connection details, the way
 * {@code @ServiceConnection} containers and Docker Compose offer theirs: a {@link JdbcConnectionDetails} when its
 * configuration names no database ({@code spring.datasource.url}), a {@link RabbitConnectionDetails} when it names
 * no broker ({@code spring.rabbitmq.host}, {@code .port} or {@code .addresses}). Each backs off when the application
 * has connection details of its own, and a server starts only when a data source or connection factory asks for
 * it. {@code workflow.dev-servers.enabled=false} turns it off.
 */
@AutoConfiguration(beforeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "workflow.dev-servers.enabled", matchIfMissing = true)
public final class DevServersAutoConfiguration {

	private static final Log logger = LogFactory.getLog(DevServersAutoConfiguration.class);

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails")
	@Conditional(NoDatabaseConfigured.class)
	static class DatabaseConfiguration {

		@Bean
		@ConditionalOnMissingBean(JdbcConnectionDetails.class)
		DevServersJdbcConnectionDetails workflowDevServersJdbcConnectionDetails() {
			return new DevServersJdbcConnectionDetails(DevServers.database());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails")
	@Conditional(NoBrokerConfigured.class)
	static class BrokerConfiguration {

		@Bean
		@ConditionalOnMissingBean(RabbitConnectionDetails.class)
		DevServersRabbitConnectionDetails workflowDevServersRabbitConnectionDetails() {
			return new DevServersRabbitConnectionDetails(DevServers.broker());
		}

	}

	/**
	 * The database of the development servers. While it exists, the servers embedded in this JVM do not stop.
	 */
	static final class DevServersJdbcConnectionDetails implements JdbcConnectionDetails, DisposableBean {

		private final DatabaseServer server;

		DevServersJdbcConnectionDetails(DatabaseServer server) {
			this.server = server;
			ServerLeases.take();
			logger.info("Workflow dev servers: " + server);
		}

		@Override
		public String getUsername() {
			return this.server.username();
		}

		@Override
		public String getPassword() {
			return this.server.password();
		}

		@Override
		public String getJdbcUrl() {
			return this.server.jdbcUrl();
		}

		@Override
		public void destroy() {
			ServerLeases.giveBack();
		}

	}

	/**
	 * The broker of the development servers. While it exists, the servers embedded in this JVM do not stop.
	 */
	static final class DevServersRabbitConnectionDetails implements RabbitConnectionDetails, DisposableBean {

		private final BrokerServer server;

		DevServersRabbitConnectionDetails(BrokerServer server) {
			this.server = server;
			ServerLeases.take();
			logger.info("Workflow dev servers: " + server);
		}

		@Override
		public String getUsername() {
			return this.server.username();
		}

		@Override
		public String getPassword() {
			return this.server.password();
		}

		@Override
		public List<Address> getAddresses() {
			return List.of(new Address(this.server.host(), this.server.port()));
		}

		@Override
		public void destroy() {
			ServerLeases.giveBack();
		}

	}

	static final class NoDatabaseConfigured extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return DevServers.databaseConfigured(context.getEnvironment())
					? ConditionOutcome.noMatch("spring.datasource.url is set")
					: ConditionOutcome.match("spring.datasource.url is not set");
		}

	}

	static final class NoBrokerConfigured extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return DevServers.brokerConfigured(context.getEnvironment())
					? ConditionOutcome.noMatch("spring.rabbitmq.host, port or addresses is set")
					: ConditionOutcome.match("no spring.rabbitmq.host, port or addresses is set");
		}

	}

}

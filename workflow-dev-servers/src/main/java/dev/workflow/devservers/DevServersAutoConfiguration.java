package dev.workflow.devservers;

import java.util.List;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

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
			return new DevServersJdbcConnectionDetails();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails")
	@Conditional(NoBrokerConfigured.class)
	static class BrokerConfiguration {

		@Bean
		@ConditionalOnMissingBean(RabbitConnectionDetails.class)
		DevServersRabbitConnectionDetails workflowDevServersRabbitConnectionDetails() {
			return new DevServersRabbitConnectionDetails();
		}

	}

	/**
	 * The database of the development servers, chosen (and started) when asked for the first time. Until this bean
	 * is destroyed, the servers embedded in this JVM do not stop.
	 */
	static final class DevServersJdbcConnectionDetails implements JdbcConnectionDetails, DisposableBean {

		private final Leased<DatabaseServer> server = new Leased<>(DevServers::database);

		@Override
		public String getUsername() {
			return this.server.get().username();
		}

		@Override
		public String getPassword() {
			return this.server.get().password();
		}

		@Override
		public String getJdbcUrl() {
			return this.server.get().jdbcUrl();
		}

		@Override
		public void destroy() {
			this.server.release();
		}

	}

	/**
	 * The broker of the development servers, chosen (and started) when asked for the first time. Until this bean is
	 * destroyed, the servers embedded in this JVM do not stop.
	 */
	static final class DevServersRabbitConnectionDetails implements RabbitConnectionDetails, DisposableBean {

		private final Leased<BrokerServer> server = new Leased<>(DevServers::broker);

		@Override
		public String getUsername() {
			return this.server.get().username();
		}

		@Override
		public String getPassword() {
			return this.server.get().password();
		}

		@Override
		public List<Address> getAddresses() {
			BrokerServer broker = this.server.get();
			return List.of(new Address(broker.host(), broker.port()));
		}

		@Override
		public void destroy() {
			this.server.release();
		}

	}

	/**
	 * A server chosen on first use, with a lease taken then and given back on release.
	 */
	private static final class Leased<S> {

		private final Supplier<S> choose;

		private @Nullable S server;

		Leased(Supplier<S> choose) {
			this.choose = choose;
		}

		synchronized S get() {
			S chosen = this.server;
			if (chosen == null) {
				chosen = this.choose.get();
				this.server = chosen;
				ServerLeases.take();
				logger.info("Workflow dev servers: " + chosen);
			}
			return chosen;
		}

		synchronized void release() {
			if (this.server != null) {
				this.server = null;
				ServerLeases.giveBack();
			}
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

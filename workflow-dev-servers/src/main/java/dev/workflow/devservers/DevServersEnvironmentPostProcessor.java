package dev.workflow.devservers;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points an application that has this module on its class path at the {@link DevServers}: when the configuration
 * names no database ({@code spring.datasource.url}) or no broker ({@code spring.rabbitmq.host}, {@code .port} or
 * {@code .addresses}), the missing connection properties are added, and the log says which servers the run uses.
 * Set {@code workflow.dev-servers.enabled=false} to turn it off.
 */
public class DevServersEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE_NAME = "workflowDevServers";

	private final Log log;

	public DevServersEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.log = logFactory.getLog(DevServersEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		// After configuration files have been read, so that servers they name are respected.
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("workflow.dev-servers.enabled", Boolean.class, true)
				|| environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			return;
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		DatabaseServer database;
		if (DevServers.databaseConfigured(environment)) {
			database = DevServers.configuredDatabase(environment);
		}
		else {
			database = DevServers.database();
			properties.put("spring.datasource.url", database.jdbcUrl());
			properties.put("spring.datasource.username", database.username());
			properties.put("spring.datasource.password", database.password());
		}
		BrokerServer broker;
		if (DevServers.brokerConfigured(environment)) {
			broker = DevServers.configuredBroker(environment);
		}
		else {
			broker = DevServers.broker();
			properties.put("spring.rabbitmq.host", broker.host());
			properties.put("spring.rabbitmq.port", broker.port());
			properties.put("spring.rabbitmq.username", broker.username());
			properties.put("spring.rabbitmq.password", broker.password());
		}
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, properties));
		if (database.source() == ServerSource.EMBEDDED || broker.source() == ServerSource.EMBEDDED) {
			// The embedded servers stop when the JVM exits, after the contexts that use them.
			application.addInitializers(ServerLeases::take);
		}
		this.log.info("Workflow dev servers: " + database + ", " + broker);
	}

}

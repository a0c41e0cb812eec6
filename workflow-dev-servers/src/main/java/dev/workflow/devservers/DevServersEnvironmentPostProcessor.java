package dev.workflow.devservers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Says in the log which servers the configuration of an application that has this module names
 * ({@code spring.datasource.url}, {@code spring.rabbitmq.host}, {@code .port} or {@code .addresses}), as
 * {@link DevServersAutoConfiguration} says which it starts for the others, so that a run's log always names its
 * servers. Off with {@code workflow.dev-servers.enabled=false}.
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
		List<String> configured = new ArrayList<>();
		if (DevServers.databaseConfigured(environment)) {
			configured.add(DevServers.configuredDatabase(environment).toString());
		}
		if (DevServers.brokerConfigured(environment)) {
			configured.add(DevServers.configuredBroker(environment).toString());
		}
		// The servers it chooses itself are named when an application asks for them (DevServersAutoConfiguration).
		if (!configured.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of()));
			this.log.info("Workflow dev servers: " + String.join(", ", configured));
		}
	}

}

package dev.workflow.autoconfigure;

import java.util.List;
import java.util.Set;

import dev.workflow.actuate.WorkflowBacklog;
import dev.workflow.actuate.WorkflowHealthIndicator;
import dev.workflow.engine.WorkflowEngine;
import dev.workflow.transport.StepConsumers;
import dev.workflow.transport.WorkflowTopology;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the engine's health indicator, named {@code workflow}, when the application has Spring
 * Boot's health support (Spring Boot Actuator brings it); {@code management.health.workflow.enabled=false} turns it
 * off.
 */
@AutoConfiguration(after = WorkflowObservabilityAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(WorkflowBacklog.class)
@ConditionalOnEnabledHealthIndicator("workflow")
public final class WorkflowHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "workflowHealthIndicator")
	WorkflowHealthIndicator workflowHealthIndicator(WorkflowBacklog backlog, ConnectionFactory connectionFactory,
			WorkflowProperties properties, ObjectProvider<WorkflowTopology> topology,
			ObjectProvider<AmqpAdmin> amqpAdmin, ObjectProvider<StepConsumers> consumers,
			ObjectProvider<WorkflowEngine> engine) {
		StepConsumers served = consumers.getIfUnique();
		return new WorkflowHealthIndicator(backlog, connectionFactory, properties.getHealth().getMaxDueAge(),
				topology.getIfUnique(), amqpAdmin.getIfUnique(),
				(served != null) ? served.containers().keySet() : Set.of(), () -> {
					WorkflowEngine available = engine.getIfAvailable();
					return (available != null) ? available.removedSteps() : List.of();
				});
	}

}

package dev.workflow.autoconfigure;

import javax.sql.DataSource;

import dev.workflow.actuate.WorkflowInfoContributor;
import dev.workflow.actuate.WorkflowsEndpoint;
import dev.workflow.api.WorkflowClient;
import dev.workflow.engine.WorkflowEngine;
import dev.workflow.store.WorkflowSchemaMigration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code workflows} Actuator endpoint and of the engine's part of {@code /actuator/info},
 * when the application has Spring Boot Actuator. The endpoint is read-only unless
 * {@code management.endpoint.workflows.access=unrestricted}, and exposed over the web as Actuator's rules say
 * ({@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(after = WorkflowAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(WorkflowClient.class)
@EnableConfigurationProperties(WorkflowEndpointProperties.class)
public final class WorkflowEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	WorkflowsEndpoint workflowsEndpoint(WorkflowClient client, ObjectProvider<SanitizingFunction> sanitizingFunctions,
			WorkflowEndpointProperties properties) {
		return new WorkflowsEndpoint(client, new Sanitizer(sanitizingFunctions.orderedStream().toList()),
				properties.getShowValues(), properties.getRoles());
	}

	@Bean
	@ConditionalOnMissingBean(name = "workflowInfoContributor")
	@ConditionalOnEnabledInfoContributor("workflow")
	@ConditionalOnBean(WorkflowEngine.class)
	WorkflowInfoContributor workflowInfoContributor(WorkflowClient client, WorkflowEngine engine,
			DataSource dataSource, WorkflowProperties properties) {
		return new WorkflowInfoContributor(client, engine.settings().workerId(), () -> WorkflowSchemaMigration
			.currentVersion(dataSource, properties.getStore().getSchemaHistoryTable()));
	}

}

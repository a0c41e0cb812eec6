package dev.workflow.autoconfigure;

import java.time.Clock;
import java.util.Set;

import dev.workflow.actuate.WorkflowBacklog;
import dev.workflow.actuate.WorkflowBacklogMetrics;
import dev.workflow.engine.WorkflowEngine;
import dev.workflow.store.JobStatistics;
import dev.workflow.transport.WorkflowTopology;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the engine's backlog, read by its gauges, when the application has Micrometer, and by its
 * health indicator ({@link WorkflowHealthContributorAutoConfiguration}). The engine's observations need no
 * configuration here: the engine uses the application's {@code ObservationRegistry}.
 */
@AutoConfiguration(after = WorkflowAutoConfiguration.class)
@ConditionalOnBean(WorkflowEngine.class)
public final class WorkflowObservabilityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WorkflowBacklog workflowBacklog(JobStatistics statistics, WorkflowProperties properties, Clock clock) {
		return new WorkflowBacklog(statistics, properties.getBacklog().getRefreshInterval(), clock);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static class BacklogMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WorkflowBacklogMetrics workflowBacklogMetrics(WorkflowBacklog backlog,
				ObjectProvider<WorkflowTopology> topology) {
			WorkflowTopology pools = topology.getIfUnique();
			return new WorkflowBacklogMetrics(backlog, (pools != null) ? pools.allPools() : Set.of(""));
		}

	}

}

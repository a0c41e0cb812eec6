package dev.workflow.autoconfigure;

import javax.sql.DataSource;

import dev.workflow.store.JobEntity;
import dev.workflow.store.WorkflowSchemaMigration;
import dev.workflow.transport.TopologyInitializer;
import dev.workflow.transport.WorkflowTopology;
import jakarta.persistence.EntityManagerFactory;
import org.flywaydb.core.Flyway;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the workflow engine: its tables in the application's PostgreSQL database, and its topology
 * on the application's RabbitMQ broker.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
		"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration" })
@ConditionalOnClass({ EntityManagerFactory.class, Flyway.class, RabbitTemplate.class })
@ConditionalOnBooleanProperty(name = "workflow.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WorkflowProperties.class)
public final class WorkflowAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = JobEntity.class)
	static class StoreConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBooleanProperty(name = "workflow.store.initialize-schema", matchIfMissing = true)
		@ConditionalOnBean(DataSource.class)
		WorkflowSchemaMigration workflowSchemaMigration(DataSource dataSource, WorkflowProperties properties) {
			return new WorkflowSchemaMigration(dataSource, properties.getStore().getSchemaHistoryTable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TransportConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WorkflowTopology workflowTopology(WorkflowProperties properties) {
			WorkflowProperties.Broker broker = properties.getBroker();
			return new WorkflowTopology(broker.getExchange(), broker.getStepQueue(), broker.getStepRoutingKey());
		}

		@Bean
		Declarables workflowDeclarables(WorkflowTopology topology) {
			return topology.declarables();
		}

		@Bean
		@ConditionalOnBean(AmqpAdmin.class)
		TopologyInitializer workflowTopologyInitializer(AmqpAdmin amqpAdmin, WorkflowTopology topology) {
			return new TopologyInitializer(amqpAdmin, topology);
		}

	}

}

package dev.workflow.autoconfigure;

import dev.workflow.transport.WorkflowTopology;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class WorkflowAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WorkflowAutoConfiguration.class));

	@Test
	void whenNothingIsConfiguredThenTheTopologyUsesTheDefaultNames() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(WorkflowTopology.class);
			assertThat(context.getBean(WorkflowTopology.class))
				.isEqualTo(new WorkflowTopology("workflow", "workflow.steps", "workflow.step"));
		});
	}

	@Test
	void whenBrokerNamesAreConfiguredThenTheTopologyUsesThem() {
		this.runner
			.withPropertyValues("workflow.broker.exchange=orders", "workflow.broker.step-queue=orders.steps",
					"workflow.broker.step-routing-key=orders.step")
			.run((context) -> assertThat(context.getBean(WorkflowTopology.class))
				.isEqualTo(new WorkflowTopology("orders", "orders.steps", "orders.step")));
	}

	@Test
	void whenDisabledThenNothingIsConfigured() {
		this.runner.withPropertyValues("workflow.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WorkflowTopology.class));
	}

	@Test
	void whenSpringAmqpIsMissingThenNothingIsConfigured() {
		this.runner.withClassLoader(new FilteredClassLoader(RabbitTemplate.class))
			.run((context) -> assertThat(context).doesNotHaveBean(WorkflowTopology.class));
	}

	@Test
	void propertyDefaultsMatchTheDocumentedBehaviour() {
		WorkflowProperties properties = new WorkflowProperties();
		assertThat(properties.isEnabled()).isTrue();
		assertThat(properties.getStore().isInitializeSchema()).isTrue();
		assertThat(properties.getStore().getSchemaHistoryTable()).isEqualTo("wf_schema_history");
		assertThat(properties.getBroker().getExchange()).isEqualTo("workflow");
		assertThat(properties.getBroker().getStepQueue()).isEqualTo("workflow.steps");
		assertThat(properties.getBroker().getStepRoutingKey()).isEqualTo("workflow.step");
	}

}

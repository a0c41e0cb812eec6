package dev.workflow.autoconfigure;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.workflow.api.WorkflowClient;
import dev.workflow.transport.WorkflowTopology;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conditions of the engine's auto-configuration and its default beans, checked without servers: contexts that
 * never connect to PostgreSQL or RabbitMQ (Spring Boot's {@code RabbitAutoConfigurationTests} do the same). What
 * needs the servers is in {@link WorkflowAutoConfigurationTests}.
 */
class WorkflowAutoConfigurationWithoutServersTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RabbitAutoConfiguration.class, JacksonAutoConfiguration.class,
				WorkflowAutoConfiguration.class));

	@Test
	void whenDisabledThenNothingIsConfigured() {
		this.runner.withPropertyValues("workflow.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(WorkflowClient.class);
			assertThat(context).doesNotHaveBean(WorkflowTopology.class);
			assertThat(context).doesNotHaveBean("workflowClock");
		});
	}

	@Test
	void whenSpringAmqpIsMissingThenNothingIsConfigured() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(WorkflowAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(RabbitTemplate.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(WorkflowClient.class);
			});
	}

	@Test
	void whenJpaIsMissingThenNothingIsConfigured() {
		this.runner.withClassLoader(new FilteredClassLoader("jakarta.persistence")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(WorkflowClient.class);
		});
	}

	@Test
	void whenTheApplicationHasNoDatabaseThenTheStartFailsNamingWhatTheStoreNeeds() {
		this.runner.run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("jakarta.persistence.EntityManagerFactory"));
	}

	@Test
	void theDefaultClockIsTheSystemClockInUtc() {
		new ApplicationContextRunner().withUserConfiguration(WorkflowAutoConfiguration.ClockConfiguration.class)
			.run((context) -> assertThat(context.getBean(Clock.class)).isEqualTo(Clock.systemUTC()));
	}

	@Test
	void whenTheApplicationDefinesAClockThenTheDefaultBacksOff() {
		new ApplicationContextRunner()
			.withUserConfiguration(FixedClockConfiguration.class, WorkflowAutoConfiguration.ClockConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(Clock.class);
				assertThat(context.getBean(Clock.class)).isSameAs(FixedClockConfiguration.CLOCK);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class FixedClockConfiguration {

		static final Clock CLOCK = Clock.fixed(Instant.parse("2031-05-06T07:08:09Z"), ZoneOffset.UTC);

		@Bean
		Clock applicationClock() {
			return CLOCK;
		}

	}

}

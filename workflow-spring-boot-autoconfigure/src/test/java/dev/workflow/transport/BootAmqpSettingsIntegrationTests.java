package dev.workflow.transport;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.WorkflowClient;
import dev.workflow.autoconfigure.WorkflowListenerContainerCustomizer;
import dev.workflow.autoconfigure.WorkflowRabbitTemplateCustomizer;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's step consumers and publishing template are built as Spring Boot builds its own: Boot's
 * {@code spring.rabbitmq.*} settings apply (virtual threads among them), then the engine's, then the application's
 * customizer beans.
 */
class BootAmqpSettingsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void whenTheApplicationHasCustomizersThenTheEnginesContainersAndTemplateGoThroughThemAfterBootsSettings() {
		try (ConfigurableApplicationContext context = start("boot-amqp",
				"--spring.rabbitmq.listener.simple.missing-queues-fatal=false",
				"--spring.rabbitmq.listener.simple.max-concurrency=1", "--workflow.worker.concurrency=3")) {
			Customizers customizers = context.getBean(Customizers.class);
			assertThat(customizers.pools).contains("default");
			assertThat(customizers.containers).isNotEmpty().allSatisfy((container) -> {
				// Boot's property came through, and the engine's number of consumers rules over Boot's maximum.
				assertThat(ReflectionTestUtils.getField(container, "missingQueuesFatal")).isEqualTo(false);
				assertThat(ReflectionTestUtils.getField(container, "concurrentConsumers")).isEqualTo(3);
				assertThat(ReflectionTestUtils.getField(container, "maxConcurrentConsumers")).isEqualTo(3);
			});
			assertThat(customizers.templates).hasSize(1);
			assertThat(customizers.templates.get(0).isMandatoryFor(null)).isTrue();
			Object result = context.getBean(WorkflowClient.class).start("thread_kind", "x").await(WAIT);
			assertThat(result).isEqualTo("platform");
		}
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void whenVirtualThreadsAreEnabledThenStepsRunOnVirtualThreads() {
		try (ConfigurableApplicationContext context = start("boot-amqp-virtual",
				"--spring.threads.virtual.enabled=true")) {
			Object result = context.getBean(WorkflowClient.class).start("thread_kind", "x").await(WAIT);
			assertThat(result).isEqualTo("virtual");
		}
	}

	private static ConfigurableApplicationContext start(String name, String... more) {
		String[] common = { "--spring.datasource.url=" + TestDatabases.createEmptyDatabase(),
				"--workflow.broker.exchange=wf-test-" + name, "--workflow.broker.step-queue=wf-test-" + name + ".steps",
				"--workflow.broker.parking-queue=wf-test-" + name + ".parked" };
		String[] args = new String[common.length + more.length];
		System.arraycopy(common, 0, args, 0, common.length);
		System.arraycopy(more, 0, args, common.length, more.length);
		return new SpringApplicationBuilder(TestApplication.class, Customizers.class).run(args);
	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		final Set<String> pools = ConcurrentHashMap.newKeySet();

		final List<SimpleMessageListenerContainer> containers = new CopyOnWriteArrayList<>();

		final List<RabbitTemplate> templates = new CopyOnWriteArrayList<>();

		@Bean
		WorkflowListenerContainerCustomizer recordingContainerCustomizer() {
			return (pool, container) -> {
				this.pools.add(pool);
				this.containers.add(container);
			};
		}

		@Bean
		WorkflowRabbitTemplateCustomizer recordingTemplateCustomizer() {
			return this.templates::add;
		}

		@Bean
		ThreadKind threadKind() {
			return new ThreadKind();
		}

	}

	/** Answers whether its step ran on a virtual thread (read by reflection: the tests compile for Java 17). */
	@Workflow(name = "thread_kind")
	static class ThreadKind {

		@Step(order = 1)
		public String kind(String input) throws Exception {
			Method isVirtual;
			try {
				isVirtual = Thread.class.getMethod("isVirtual");
			}
			catch (NoSuchMethodException ex) {
				// Java 17: every thread is a platform thread.
				return "platform";
			}
			return ((boolean) isVirtual.invoke(Thread.currentThread())) ? "virtual" : "platform";
		}

	}

}

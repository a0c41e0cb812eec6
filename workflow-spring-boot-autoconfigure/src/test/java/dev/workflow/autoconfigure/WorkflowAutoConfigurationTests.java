package dev.workflow.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.workflow.actuate.WorkflowBacklog;
import dev.workflow.actuate.WorkflowBacklogMetrics;
import dev.workflow.actuate.WorkflowHealthIndicator;
import dev.workflow.api.BulkResult;
import dev.workflow.api.Job;
import dev.workflow.api.JobAction;
import dev.workflow.api.JobHandle;
import dev.workflow.api.JobQuery;
import dev.workflow.api.StartOptions;
import dev.workflow.api.StepExecution;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowSummary;
import dev.workflow.engine.Retention;
import dev.workflow.engine.WorkflowEngine;
import dev.workflow.engine.WorkflowJson;
import dev.workflow.test.TestServers;
import dev.workflow.transport.QueueType;
import dev.workflow.transport.StepConsumers;
import dev.workflow.transport.WorkflowTopology;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class WorkflowAutoConfigurationTests {

	private final ApplicationContextRunner runner = TestServers.runner("autoconfig");

	@Test
	void whenNothingIsConfiguredThenTheEngineClientAndWorkerAreThere() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(WorkflowClient.class);
			assertThat(context).hasSingleBean(WorkflowEngine.class);
			assertThat(context).hasSingleBean(StepConsumers.class);
			StepConsumers consumers = context.getBean(StepConsumers.class);
			assertThat(consumers.isRunning()).isTrue();
			assertThat(consumers.containers()).as("an instance without workflows serves the default pool")
				.containsOnlyKeys("");
			assertThat(consumers.container("").isRunning()).isTrue();
			assertThat(consumers.container("").getQueueNames()).containsExactly("wf-test-autoconfig.steps");
		});
	}

	@Test
	void whenNothingIsConfiguredThenTheTopologyUsesTheDefaultNames() {
		TestServers.runner("defaults")
			.withPropertyValues("workflow.broker.exchange=workflow", "workflow.broker.step-queue=workflow.steps",
					"workflow.broker.parking-queue=workflow.steps.parked")
			.run((context) -> assertThat(context.getBean(WorkflowTopology.class)).usingRecursiveComparison()
				.ignoringFields("queueType")
				.isEqualTo(new WorkflowTopology("workflow", "workflow.steps", "workflow.step", "workflow.steps.parked")));
	}

	@Test
	void whenBrokerNamesAreConfiguredThenTheTopologyUsesThem() {
		this.runner
			.withPropertyValues("workflow.broker.exchange=orders", "workflow.broker.step-queue=orders.steps",
					"workflow.broker.step-routing-key=orders.step", "workflow.broker.parking-queue=orders.parked")
			.run((context) -> assertThat(context.getBean(WorkflowTopology.class)).usingRecursiveComparison()
				.ignoringFields("queueType")
				.isEqualTo(new WorkflowTopology("orders", "orders.steps", "orders.step", "orders.parked")));
	}

	@Test
	void whenTheWorkerIsSwitchedOffThenNoStepsAreConsumedButJobsCanBeStarted() {
		this.runner.withPropertyValues("workflow.worker.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(WorkflowClient.class);
			assertThat(context).doesNotHaveBean(StepConsumers.class);
			assertThat(context).doesNotHaveBean(SimpleMessageListenerContainer.class);
		});
	}

	@Test
	void whenNoRetentionAgeIsSetThenJobsAreKept() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(Retention.class);
			assertThat(context).doesNotHaveBean(MeterBinder.class);
		});
	}

	@Test
	void whenARetentionAgeIsSetThenRetentionRunsWithItAndIsMetered() {
		this.runner.withPropertyValues("workflow.retention.max-age=30d").run((context) -> {
			assertThat(context.getBean(Retention.class).maxAge()).isEqualTo(Duration.ofDays(30));
			assertThat(context).hasSingleBean(MeterBinder.class);
		});
	}

	@Test
	void whenMicrometerIsMissingThenRetentionRunsUnmetered() {
		this.runner.withPropertyValues("workflow.retention.max-age=30d")
			.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(Retention.class);
				assertThat(context).doesNotHaveBean("workflowRetentionMetrics");
			});
	}

	@Test
	void whenTheRetentionAgeIsNotPositiveThenTheStartFailsSayingSo() {
		this.runner.withPropertyValues("workflow.retention.max-age=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("workflow.retention.max-age must be positive"));
	}

	@Test
	void whenDisabledThenNothingIsConfigured() {
		this.runner.withPropertyValues("workflow.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(WorkflowClient.class);
			assertThat(context).doesNotHaveBean(WorkflowTopology.class);
		});
	}

	@Test
	void whenSpringAmqpIsMissingThenNothingIsConfigured() {
		this.runner.withClassLoader(new FilteredClassLoader(RabbitTemplate.class))
			.run((context) -> assertThat(context).doesNotHaveBean(WorkflowClient.class));
	}

	@Test
	void whenTheApplicationDefinesAClientThenItReplacesTheDefault() {
		this.runner.withUserConfiguration(CustomClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(WorkflowClient.class);
			assertThat(context.getBean(WorkflowClient.class)).isSameAs(CustomClientConfiguration.CLIENT);
		});
	}

	@Test
	void whenTheApplicationDefinesAClockThenTheEngineUsesItInsteadOfTheSystemClock() {
		this.runner.withUserConfiguration(WorkflowAutoConfigurationWithoutServersTests.FixedClockConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(Clock.class);
				assertThat(context).doesNotHaveBean("workflowClock");
				assertThat(context.getBean(Clock.class))
					.isSameAs(WorkflowAutoConfigurationWithoutServersTests.FixedClockConfiguration.CLOCK);
			});
		this.runner.run((context) -> assertThat(context).hasBean("workflowClock"));
	}

	@Test
	void whenTheLongestRetryWaitWouldEndPastTheLatestDueTimeThenTheStartFailsSayingSo() {
		this.runner.withPropertyValues("workflow.retry.max-delay=3650000d")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("workflow.retry.max-delay is PT87600000H: it would end after "
						+ "9999-12-31T23:59:59Z, the latest time the engine stores"));
	}

	@Test
	void whenTheApplicationDefinesTheJsonMappingThenTheEngineUsesIt() {
		this.runner.withUserConfiguration(CustomJsonConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(WorkflowJson.class);
			assertThat(context.getBean(WorkflowJson.class)).isSameAs(CustomJsonConfiguration.JSON);
		});
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
		assertThat(properties.getBroker().getParkingQueue()).isEqualTo("workflow.steps.parked");
		assertThat(properties.getBroker().getConfirmTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.getBroker().getMaxRefusals()).isEqualTo(5);
		assertThat(properties.getBroker().getQueueType()).isEqualTo(QueueType.CLASSIC);
		assertThat(properties.getWorker().getPools()).isEmpty();
		assertThat(properties.getPools()).isEmpty();
		assertThat(new WorkflowProperties.Pool().getConcurrency()).isNull();
		assertThat(new WorkflowProperties.Pool().getPrefetch()).isNull();
		assertThat(properties.getMaxPayloadSize()).isEqualTo(DataSize.ofMegabytes(8))
			.isEqualTo(WorkflowJson.DEFAULT_MAX_PAYLOAD_SIZE);
		assertThat(properties.getWorker().isEnabled()).isTrue();
		assertThat(properties.getWorker().getConcurrency()).isEqualTo(4);
		assertThat(properties.getWorker().getPrefetch()).isEqualTo(1);
		assertThat(properties.getWorker().getId()).isNull();
		assertThat(properties.getWorker().getStepTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.getWorker().getLeaseDuration()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getWorker().getShutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getWorker().getErrorBackoff()).isEqualTo(Duration.ofSeconds(1));
		assertThat(properties.getWorker().getUnknownWorkTimeout()).isEqualTo(Duration.ofHours(1));
		assertThat(properties.getWorker().getUnknownWorkBackoff()).isEqualTo(Duration.ofMillis(500));
		assertThat(properties.getWorker().getUnknownWorkMaxBackoff()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getWorker().getHistoryCacheJobs()).isEqualTo(1000);
		assertThat(properties.getRetry().getMaxAttempts()).isEqualTo(3);
		assertThat(properties.getRetry().getInitialDelay()).isEqualTo(Duration.ofSeconds(1));
		assertThat(properties.getRetry().getMultiplier()).isEqualTo(2.0);
		assertThat(properties.getRetry().getMaxDelay()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.getRetry().getJitter()).isEqualTo(0.2);
		assertThat(properties.getRetry().getNonRetryableExceptions()).isEmpty();
		assertThat(properties.getScheduler().isEnabled()).isTrue();
		assertThat(properties.getScheduler().getPollInterval()).isEqualTo(Duration.ofMillis(200));
		assertThat(properties.getScheduler().getBatchSize()).isEqualTo(500);
		assertThat(properties.getScheduler().getOutboxRelayAfter()).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.getFlow().getPriorityAging()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.getFlow().getMisfireThreshold()).isEqualTo(Duration.ofMinutes(1));
		assertThat(properties.getFlow().getAdmissionRecheck()).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.getApi().isEnabled()).isFalse();
		assertThat(properties.getApi().isAllowUnauthenticated()).isFalse();
		assertThat(properties.getDashboard().isEnabled()).isFalse();
		assertThat(properties.getDashboard().getPath()).isEqualTo("/workflow");
		assertThat(properties.getDashboard().getRefreshInterval()).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.getHealth().getMaxDueAge()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.getBacklog().getRefreshInterval()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void whenHealthSupportAndMicrometerArePresentThenTheHealthIndicatorAndBacklogGaugesAreThere() {
		this.runner.withConfiguration(AutoConfigurations.of(WorkflowObservabilityAutoConfiguration.class,
					WorkflowHealthContributorAutoConfiguration.class))
			.withPropertyValues("workflow.health.max-due-age=2m")
			.run((context) -> {
				assertThat(context).hasSingleBean(WorkflowBacklogMetrics.class);
				assertThat(context).hasSingleBean(WorkflowHealthIndicator.class);
				assertThat(context.getBean(WorkflowHealthIndicator.class).maxDueAge()).isEqualTo(Duration.ofMinutes(2));
			});
	}

	@Test
	void whenTheWorkflowHealthIndicatorIsSwitchedOffThenOnlyTheGaugesAreThere() {
		this.runner.withConfiguration(AutoConfigurations.of(WorkflowObservabilityAutoConfiguration.class,
					WorkflowHealthContributorAutoConfiguration.class))
			.withPropertyValues("management.health.workflow.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(WorkflowHealthIndicator.class);
				assertThat(context).hasSingleBean(WorkflowBacklogMetrics.class);
			});
	}

	@Test
	void whenMicrometerIsMissingThenTheHealthIndicatorIsThereWithoutTheGauges() {
		this.runner.withConfiguration(AutoConfigurations.of(WorkflowObservabilityAutoConfiguration.class,
					WorkflowHealthContributorAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(WorkflowHealthIndicator.class);
				assertThat(context).doesNotHaveBean(WorkflowBacklogMetrics.class);
			});
	}

	@Test
	void whenTheEngineIsDisabledThenNoHealthIndicatorOrGaugesAreConfigured() {
		this.runner.withConfiguration(AutoConfigurations.of(WorkflowObservabilityAutoConfiguration.class,
					WorkflowHealthContributorAutoConfiguration.class))
			.withPropertyValues("workflow.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(WorkflowBacklog.class);
				assertThat(context).doesNotHaveBean(WorkflowHealthIndicator.class);
			});
	}

	@Test
	void whenTheMaximumDueAgeIsNotPositiveThenTheStartFailsSayingSo() {
		this.runner.withConfiguration(AutoConfigurations.of(WorkflowObservabilityAutoConfiguration.class,
					WorkflowHealthContributorAutoConfiguration.class))
			.withPropertyValues("workflow.health.max-due-age=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("workflow.health.max-due-age must be positive"));
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomClientConfiguration {

		static final WorkflowClient CLIENT = new WorkflowClient() {

			@Override
			public JobHandle<Object> start(String workflow, @Nullable Object input, StartOptions options) {
				throw new IllegalStateException("not for this test");
			}

			@Override
			public List<JobHandle<Object>> startAll(String workflow, List<?> inputs, StartOptions options) {
				throw new IllegalStateException("not for this test");
			}

			@Override
			public <R> JobHandle<R> handle(UUID jobId, Class<R> resultType) {
				throw new IllegalStateException("not for this test");
			}

			@Override
			public void cancel(UUID jobId) {
				throw new IllegalStateException("not for this test");
			}

			@Override
			public void sendEvent(UUID jobId, String name, @Nullable Object payload) {
				throw new IllegalStateException("not for this test");
			}

			@Override
			public Optional<Job> get(UUID jobId) {
				return Optional.empty();
			}

			@Override
			public List<Job> find(JobQuery query) {
				return List.of();
			}

			@Override
			public void retry(UUID jobId) {
				throw new IllegalStateException("not for this test");
			}

			@Override
			public long count(JobQuery query) {
				throw new IllegalStateException("not for this test");
			}

			@Override
			public BulkResult retryAll(JobQuery query, String actor) {
				throw new IllegalStateException("not for this test");
			}

			@Override
			public BulkResult cancelAll(JobQuery query, String actor) {
				throw new IllegalStateException("not for this test");
			}

			@Override
			public BulkResult deleteAll(JobQuery query, String actor) {
				throw new IllegalStateException("not for this test");
			}

			@Override
			public List<JobAction> actions(UUID jobId) {
				throw new IllegalStateException("not for this test");
			}
			@Override
			public boolean pause(String workflow) {
				throw new IllegalStateException("not for this test");
			}

			@Override
			public boolean resume(String workflow) {
				throw new IllegalStateException("not for this test");
			}

			@Override
			public List<StepExecution> history(UUID jobId) {
				return List.of();
			}

			@Override
			public List<WorkflowSummary> summaries() {
				return List.of();
			}

		};

		@Bean
		WorkflowClient customClient() {
			return CLIENT;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomJsonConfiguration {

		static final WorkflowJson JSON = new WorkflowJson(JsonMapper.builder().build());

		@Bean
		WorkflowJson customJson() {
			return JSON;
		}

	}

}

package dev.workflow.observation;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.workflow.actuate.WorkflowBacklogMetrics;
import dev.workflow.api.JobFailedException;
import dev.workflow.api.JobHandle;
import dev.workflow.api.JobStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import dev.workflow.test.workflows.BlockingWorkflow;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Metrics on real servers: the engine's observations as timers, through Micrometer's
 * {@link DefaultMeterObservationHandler} (what Spring Boot Actuator registers), and the backlog gauges.
 */
class MetricsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void whenJobsCompleteFailAbortRetryAndAreCancelledThenTheTimersCountThemPerWorkflowStatusAndOutcome()
			throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class,
				ObservationConfiguration.class)
			.run("--spring.datasource.url=" + TestDatabases.createEmptyDatabase(),
					"--workflow.broker.exchange=wf-test-metrics", "--workflow.broker.step-queue=wf-test-metrics.steps",
					"--workflow.broker.parking-queue=wf-test-metrics.parked")) {
			WorkflowClient client = context.getBean(WorkflowClient.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);

			client.start("five_steps", List.of("metrics")).await(WAIT);
			client.start("flaky", "fail-1").await(WAIT);
			JobHandle<Object> failing = client.start("flaky", "never");
			assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> failing.await(WAIT));
			JobHandle<Object> aborting = client.start("flow", "abort");
			assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> aborting.await(WAIT));
			assertThat(aborting.status()).isEqualTo(JobStatus.ABORTED);
			JobHandle<Object> blocked = client.start("blocking", "b");
			await().atMost(WAIT).until(() -> blocked.status() == JobStatus.RUNNING);
			client.cancel(blocked.id());
			BlockingWorkflow.release(blocked.id());

			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(count(meters, "workflow.job.end", "workflow", "blocking", "status", "cancelled"))
					.isEqualTo(1);
				assertThat(count(meters, "workflow.step", "workflow", "blocking", "step", "block")).isEqualTo(1);
			});
			assertThat(count(meters, "workflow.job.start", "workflow", "five_steps")).isEqualTo(1);
			assertThat(count(meters, "workflow.job.start", "workflow", "flaky")).isEqualTo(2);
			assertThat(count(meters, "workflow.job.end", "workflow", "five_steps", "status", "completed")).isEqualTo(1);
			assertThat(count(meters, "workflow.job.end", "workflow", "flaky", "status", "completed")).isEqualTo(1);
			assertThat(count(meters, "workflow.job.end", "workflow", "flaky", "status", "failed")).isEqualTo(1);
			assertThat(count(meters, "workflow.job.end", "workflow", "flow", "status", "aborted")).isEqualTo(1);
			assertThat(count(meters, "workflow.job.end", "workflow", "flaky")).as("flaky jobs that ended").isEqualTo(2);

			assertThat(count(meters, "workflow.step", "workflow", "five_steps", "outcome", "completed")).isEqualTo(5);
			assertThat(count(meters, "workflow.step", "workflow", "five_steps", "step", "s3")).isEqualTo(1);
			assertThat(count(meters, "workflow.step", "workflow", "flaky", "outcome", "retried"))
				.as("retries: one of the job that completes, two of the one that fails")
				.isEqualTo(3);
			assertThat(count(meters, "workflow.step", "workflow", "flaky", "outcome", "completed")).isEqualTo(1);
			assertThat(count(meters, "workflow.step", "workflow", "flaky", "outcome", "failed")).isEqualTo(1);
			assertThat(count(meters, "workflow.step", "workflow", "flow", "step", "decide", "outcome", "completed"))
				.isEqualTo(1);
			assertThat(meters.get("workflow.step").tags("workflow", "five_steps").timers())
				.allSatisfy((timer) -> assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isPositive());
		}
	}

	@Test
	void whenWorkWaitsForTheBackgroundWorkThenTheBacklogGaugesShowIt() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.run("--spring.datasource.url=" + TestDatabases.createEmptyDatabase(),
					"--workflow.broker.exchange=wf-test-gauges", "--workflow.broker.step-queue=wf-test-gauges.steps",
					"--workflow.broker.parking-queue=wf-test-gauges.parked", "--workflow.scheduler.enabled=false",
					"--workflow.backlog.refresh-interval=100ms")) {
			WorkflowClient client = context.getBean(WorkflowClient.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			context.getBean(WorkflowBacklogMetrics.class).bindTo(meters);
			assertThat(meters.get(WorkflowBacklogMetrics.DUE_BACKLOG).gauge().value()).isZero();
			assertThat(meters.get(WorkflowBacklogMetrics.OUTBOX_BACKLOG).gauge().value()).isZero();

			// No instance runs the background work: the retry stays due, the outbox row unpublished.
			UUID job = client.start("flaky", "fail-1").id();
			jdbc.update("insert into wf_outbox (id, exchange, routing_key, payload, created_at) "
					+ "values (?, 'wf-test-gauges', 'workflow.step', '{}', now())", UUID.randomUUID());

			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(meters.get(WorkflowBacklogMetrics.DUE_BACKLOG).gauge().value()).isEqualTo(1);
				assertThat(meters.get(WorkflowBacklogMetrics.OUTBOX_BACKLOG).gauge().value()).isEqualTo(1);
				assertThat(meters.get(WorkflowBacklogMetrics.DUE_OLDEST_AGE).timeGauge().value(TimeUnit.MILLISECONDS))
					.isPositive();
			});
			assertThat(jdbc.queryForObject("select trace_context from wf_job where id = ?", String.class, job))
				.as("the trace context of a job started without an observation registry")
				.isNull();
		}
	}

	private static long count(MeterRegistry meters, String name, String... tags) {
		return meters.find(name).tags(tags).timers().stream().mapToLong(Timer::count).sum();
	}

	/**
	 * Timers of observations, as Spring Boot Actuator registers them.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ObservationConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		ObservationRegistry observationRegistry(MeterRegistry meters) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
			return registry;
		}

	}

}

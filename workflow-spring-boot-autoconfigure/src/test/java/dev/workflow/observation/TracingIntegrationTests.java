package dev.workflow.observation;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.sampler.Sampler;
import dev.workflow.api.JobHandle;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import dev.workflow.test.workflows.TracedWorkflows;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tracing through the broker on real servers, with Micrometer Tracing over Brave and W3C propagation: a job started
 * inside a span runs every step in that span's trace, whichever path dispatched the step (the start, a new step
 * context, a retry moved to the broker by the background work, the plain transition, a workflow method's replay, a
 * child job), with Spring AMQP's own observation of the broker hop on or off.
 */
class TracingIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** The spans Brave finished, in the order they ended. */
	private static final List<MutableSpan> spans = new CopyOnWriteArrayList<>();

	// A database of its own: the background work of any instance on a database dispatches its due retries, and an
	// application without these workflows (another test run) would park them.
	@ParameterizedTest(name = "Spring AMQP observation on: {0}")
	@ValueSource(booleans = { false, true })
	void whenAJobIsStartedInsideASpanThenEveryStepRunsInItsTrace(boolean springAmqpObservation) throws Exception {
		String name = "wf-test-tracing-" + springAmqpObservation;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class,
				TracingConfiguration.class)
			.run("--spring.datasource.url=" + TestDatabases.createEmptyDatabase(),
					"--workflow.broker.exchange=" + name, "--workflow.broker.step-queue=" + name + ".steps",
					"--workflow.broker.parking-queue=" + name + ".parked",
					"--spring.rabbitmq.listener.simple.observation-enabled=" + springAmqpObservation,
					"--spring.rabbitmq.template.observation-enabled=" + springAmqpObservation)) {
			WorkflowClient client = context.getBean(WorkflowClient.class);
			Tracer tracer = context.getBean(Tracer.class);
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);

			String[] traceId = new String[1];
			JobHandle<?>[] jobs = new JobHandle<?>[2];
			Observation.createNotStarted("test.client", registry).observe(() -> {
				traceId[0] = tracer.currentSpan().context().traceId();
				jobs[0] = client.start("traced_pipeline", "p");
				jobs[1] = client.start("traced_orchestration", "o");
			});
			assertThat(jobs[0].await(WAIT)).isEqualTo("p-1-2-3");
			assertThat(jobs[1].await(WAIT)).isEqualTo("o-a+-b+-child-c+");

			List<TracedWorkflows.Seen> pipeline = seenBy(jobs[0].id());
			assertThat(pipeline).extracting((seen) -> seen.step() + "#" + seen.attempt())
				.containsExactly("tracedFirst#1", "tracedRetried#1", "tracedRetried#2", "tracedLast#1");
			assertThat(pipeline).extracting(TracedWorkflows.Seen::traceId).containsOnly(traceId[0]);

			List<TracedWorkflows.Seen> orchestration = seenBy(jobs[1].id());
			assertThat(orchestration).extracting(TracedWorkflows.Seen::step)
				.containsExactly("tracedCall o-a", "tracedCall o-a+-b", "tracedCall o-a+-b+-child-c");
			assertThat(orchestration).extracting(TracedWorkflows.Seen::traceId).containsOnly(traceId[0]);
			List<TracedWorkflows.Seen> child = TracedWorkflows.SEEN.stream()
				.filter((seen) -> seen.workflow().equals("traced_child") && seen.step().equals("tracedChildStep"))
				.filter((seen) -> traceId[0].equals(seen.traceId()))
				.toList();
			assertThat(child).as("the child's step, in its parent's trace").hasSize(1);

			String stored = context.getBean(JdbcTemplate.class)
				.queryForObject("select trace_context ->> 'traceparent' from wf_job where id = ?", String.class,
						jobs[0].id());
			assertThat(stored).as("the stored W3C trace context").startsWith("00-" + traceId[0] + "-");

			List<MutableSpan> trace = spans.stream().filter((span) -> span.traceId().equals(traceId[0])).toList();
			assertThat(trace).extracting(MutableSpan::name)
				.contains("start traced_pipeline", "step tracedFirst", "step tracedRetried", "step tracedLast",
						"end traced_pipeline");
			assertThat(trace).filteredOn((span) -> "step tracedRetried".equals(span.name()))
				.extracting((span) -> span.tag("outcome"))
				.containsExactlyInAnyOrder("retried", "completed");
			assertThat(spans.stream().anyMatch((span) -> span.name() != null && span.name().contains(name)))
				.as("spans of Spring AMQP's observation")
				.isEqualTo(springAmqpObservation);
		}
	}

	private static List<TracedWorkflows.Seen> seenBy(UUID jobId) {
		return TracedWorkflows.SEEN.stream().filter((seen) -> seen.jobId().equals(jobId)).toList();
	}

	/**
	 * Micrometer Tracing over Brave, as Spring Boot's tracing auto-configuration sets it up: W3C propagation, 128-bit
	 * trace ids, every trace sampled, the tracing handlers on the observation registry.
	 */
	@Configuration(proxyBeanMethods = false)
	static class TracingConfiguration {

		@Bean(destroyMethod = "close")
		Tracing braveTracing() {
			return Tracing.newBuilder()
				.localServiceName("workflow-tracing-test")
				.currentTraceContext(ThreadLocalCurrentTraceContext.newBuilder().build())
				.propagationFactory(new W3CPropagation())
				.traceId128Bit(true)
				.sampler(Sampler.ALWAYS_SAMPLE)
				.addSpanHandler(new SpanHandler() {
					@Override
					public boolean end(brave.propagation.TraceContext context, MutableSpan span, Cause cause) {
						spans.add(span);
						return true;
					}
				})
				.build();
		}

		@Bean
		Tracer tracer(Tracing tracing) {
			return new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()),
					new BraveBaggageManager());
		}

		@Bean
		ObservationRegistry observationRegistry(Tracing tracing, Tracer tracer) {
			Propagator propagator = new BravePropagator(tracing);
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig()
				.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
						new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
						new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
						new DefaultTracingObservationHandler(tracer)));
			return registry;
		}

	}

}

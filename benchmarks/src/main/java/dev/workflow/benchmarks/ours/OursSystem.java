package dev.workflow.benchmarks.ours;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;

import dev.workflow.api.StartOptions;
import dev.workflow.api.WorkflowClient;
import dev.workflow.benchmarks.harness.BenchSystem;
import dev.workflow.benchmarks.harness.BrokerCounters;
import dev.workflow.benchmarks.harness.CountingDriver;
import dev.workflow.benchmarks.harness.Scenario;
import dev.workflow.benchmarks.harness.Servers;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Our engine, as a user runs it: a Spring Boot application with the starter, one instance that both starts jobs and
 * runs their steps. Settings are the defaults except where {@link #PROPERTIES} says; more can be given with the system
 * property {@code bench.ours.properties} (comma-separated {@code name=value}); with {@code bench.ours.observed=true}
 * the engine's observations are timed, as with Actuator.
 */
public class OursSystem implements BenchSystem {

	/**
	 * Settings that differ from the defaults: those the README gives for short steps. Eight consumers, each with
	 * eight messages in hand (the default of one keeps a long step from holding up the messages behind it), and a
	 * pool with a connection for each consumer and for the submitters.
	 */
	static final Map<String, String> PROPERTIES = Map.of("workflow.worker.concurrency", "8",
			"workflow.worker.prefetch", "8", "spring.datasource.hikari.maximum-pool-size", "16");

	private static final Map<Scenario, String> WORKFLOWS = Map.of(Scenario.ONE_STEP, "bench_one_step",
			Scenario.PIPELINE, "bench_pipeline", Scenario.ORCHESTRATED, "bench_orchestrated", Scenario.FAN_OUT,
			"bench_fan_out", Scenario.LIMITED, "bench_limited", Scenario.PER_KEY, "bench_per_key");

	private ConfigurableApplicationContext context;

	private WorkflowClient client;

	private String workflow;

	private boolean keyed;

	@Override
	public String name() {
		return "ours";
	}

	@Override
	public Set<Scenario> scenarios() {
		return WORKFLOWS.keySet();
	}

	@Override
	public void open(Scenario scenario, Servers servers) throws Exception {
		clean(servers);
		this.workflow = WORKFLOWS.get(scenario);
		this.keyed = scenario == Scenario.PER_KEY;
		List<String> arguments = new ArrayList<>(List.of("--spring.datasource.url=" + servers.countingJdbcUrl(),
				"--spring.datasource.driver-class-name=" + CountingDriver.class.getName(),
				"--spring.datasource.username=" + servers.dbUser(),
				"--spring.datasource.password=" + servers.dbPassword(), "--spring.rabbitmq.host=" + servers.amqpHost(),
				"--spring.rabbitmq.port=" + servers.amqpPort(), "--spring.rabbitmq.username=" + servers.amqpUser(),
				"--spring.rabbitmq.password=" + servers.amqpPassword(), "--workflow.worker.shutdown-timeout=2s",
				"--logging.level.root=WARN"));
		Map<String, String> properties = new LinkedHashMap<>(PROPERTIES);
		String extra = System.getProperty("bench.ours.properties");
		if (extra != null && !extra.isBlank()) {
			for (String property : extra.split(",")) {
				int equals = property.indexOf('=');
				properties.put(property.substring(0, equals).trim(), property.substring(equals + 1).trim());
			}
		}
		properties.forEach((name, value) -> arguments.add("--" + name + "=" + value));
		SpringApplicationBuilder application = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF);
		if (Boolean.getBoolean("bench.ours.observed")) {
			application.initializers((context) -> context.getBeanFactory()
				.registerSingleton("benchObservationRegistry", observedRegistry()));
		}
		this.context = application.run(arguments.toArray(String[]::new));
		this.client = this.context.getBean(WorkflowClient.class);
	}

	@Override
	public void submit(String key) {
		if (this.keyed) {
			this.client.start(this.workflow, key, StartOptions.defaults()
				.concurrencyKey("key-" + Math.floorMod(key.hashCode(), Scenario.KEYS)));
			return;
		}
		this.client.start(this.workflow, key);
	}

	@Override
	public void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	/**
	 * An observation registry that times every observation, as an application with Actuator has: for measuring what
	 * the engine's observations cost ({@code -Dbench.ours.observed=true}).
	 */
	private static ObservationRegistry observedRegistry() {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
		return registry;
	}

	/** Empties the engine's tables and queues, so that every run starts alike. */
	private static void clean(Servers servers) throws Exception {
		try (Connection connection = DriverManager.getConnection(servers.jdbcUrl(), servers.dbUser(),
				servers.dbPassword()); Statement statement = connection.createStatement()) {
			statement.execute("do $$ begin if to_regclass('wf_job') is not null then "
					+ "truncate wf_job, wf_step_execution, wf_outbox, wf_event cascade; end if; end $$");
		}
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(servers.amqpHost());
		factory.setPort(servers.amqpPort());
		factory.setUsername(servers.amqpUser());
		factory.setPassword(servers.amqpPassword());
		try (com.rabbitmq.client.Connection connection = factory.newConnection()) {
			Channel channel = connection.createChannel();
			try {
				channel.queueDelete("workflow.steps");
				channel.close();
			}
			catch (IOException ex) {
				// RabbitMQ deletes a queue that does not exist without a word; Qpid Broker-J (the embedded broker)
				// closes the channel with 404: then there is nothing to empty.
				if (!(ex.getCause() instanceof ShutdownSignalException signal
						&& signal.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == 404)) {
					throw ex;
				}
			}
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ BenchWorkflows.OneStep.class, BenchWorkflows.Pipeline.class, BenchWorkflows.Steps.class,
			BenchWorkflows.Orchestrated.class, BenchWorkflows.FanOut.class, BenchWorkflows.Limited.class,
			BenchWorkflows.PerKey.class })
	static class Application {

		/** Counts the messages the engine publishes and consumes. */
		@Bean
		static BeanPostProcessor countBrokerMessages() {
			return new BeanPostProcessor() {
				@Override
				public Object postProcessBeforeInitialization(Object bean, String beanName) {
					if (bean instanceof AbstractConnectionFactory factory) {
						factory.getRabbitConnectionFactory().setMetricsCollector(BrokerCounters.collector());
					}
					return bean;
				}
			};
		}

	}

}

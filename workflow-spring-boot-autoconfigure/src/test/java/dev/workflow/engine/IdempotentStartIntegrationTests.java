package dev.workflow.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.workflow.api.StartOptions;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotentStartIntegrationTests {

	private static final int STARTS = 1000;

	private static final int KEYS = 100;

	@Test
	void whenTwoWorkflowsAreStartedWithTheSameKeyThenEachHasItsOwnJobAndARepeatReturnsIt() {
		String[] arguments = { "--workflow.worker.enabled=false", "--workflow.broker.exchange=wf-test-idempotent",
				"--workflow.broker.step-queue=wf-test-idempotent.steps",
				"--workflow.broker.parking-queue=wf-test-idempotent.parked" };
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.run(arguments)) {
			WorkflowClient client = context.getBean(WorkflowClient.class);
			StartOptions options = StartOptions.defaults().idempotencyKey("order-4711-" + UUID.randomUUID());

			UUID payment = client.start("flow", "a", options).id();
			UUID shipping = client.start("five_steps", List.of("b"), options).id();

			assertThat(shipping).as("the job of the second workflow").isNotEqualTo(payment);
			assertThat(client.get(shipping).orElseThrow().workflow()).isEqualTo("five_steps");
			assertThat(client.get(payment).orElseThrow().workflow()).isEqualTo("flow");
			assertThat(client.start("flow", "a", options).id()).as("the same key on the same workflow")
				.isEqualTo(payment);
			assertThat(client.start("five_steps", List.of("b"), options).id()).isEqualTo(shipping);
		}
	}

	@Test
	void whenTwoInstancesStartTheSameKeysOnTwoWorkflowsConcurrentlyThenEachWorkflowAndKeyHasExactlyOneJob() throws Exception {
		String[] arguments = { "--workflow.worker.enabled=false", "--workflow.broker.exchange=wf-test-idempotent",
				"--workflow.broker.step-queue=wf-test-idempotent.steps",
				"--workflow.broker.parking-queue=wf-test-idempotent.parked" };
		try (ConfigurableApplicationContext first = new SpringApplicationBuilder(TestApplication.class).run(arguments);
				ConfigurableApplicationContext second = new SpringApplicationBuilder(TestApplication.class)
					.run(arguments)) {
			List<WorkflowClient> instances = List.of(first.getBean(WorkflowClient.class),
					second.getBean(WorkflowClient.class));
			String prefix = "concurrent-" + UUID.randomUUID() + "-";
			Map<String, UUID> idByKey = new ConcurrentHashMap<>();
			List<String> mismatches = new ArrayList<>();
			ExecutorService pool = Executors.newFixedThreadPool(16);
			List<Future<?>> starts = new ArrayList<>();
			for (int i = 0; i < STARTS; i++) {
				// Each key is started on both instances, for both workflows, several times.
				WorkflowClient client = instances.get((i / KEYS) % 2);
				String workflow = ((i / (2 * KEYS)) % 2 == 0) ? "flow" : "five_steps";
				Object input = workflow.equals("flow") ? "a" : List.of("a");
				String key = prefix + (i % KEYS);
				starts.add(pool.submit(() -> {
					UUID id = client.start(workflow, input, StartOptions.defaults().idempotencyKey(key)).id();
					UUID known = idByKey.putIfAbsent(workflow + "/" + key, id);
					if (known != null && !known.equals(id)) {
						synchronized (mismatches) {
							mismatches.add(workflow + "/" + key);
						}
					}
				}));
			}
			for (Future<?> start : starts) {
				start.get(2, TimeUnit.MINUTES);
			}
			pool.shutdown();

			JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("select count(*) from wf_job where idempotency_key like ?", Integer.class,
					prefix + "%"))
				.as("one job per workflow and key")
				.isEqualTo(2 * KEYS);
			assertThat(idByKey).hasSize(2 * KEYS);
			assertThat(new HashSet<>(idByKey.values())).as("no job shared by two workflows").hasSize(2 * KEYS);
			assertThat(mismatches).as("every start of a key on a workflow returned the same job").isEmpty();
		}
	}

}

package dev.workflow.engine;

import java.util.ArrayList;
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
	void whenTwoInstancesStartTheSameKeysConcurrentlyThenEachKeyHasExactlyOneJob() throws Exception {
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
				WorkflowClient client = instances.get(i % 2);
				String key = prefix + (i % KEYS);
				starts.add(pool.submit(() -> {
					UUID id = client.start("flow", "a", StartOptions.defaults().idempotencyKey(key)).id();
					UUID known = idByKey.putIfAbsent(key, id);
					if (known != null && !known.equals(id)) {
						synchronized (mismatches) {
							mismatches.add(key);
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
				.isEqualTo(KEYS);
			assertThat(idByKey).hasSize(KEYS);
			assertThat(mismatches).as("every start of a key returned the same job").isEmpty();
		}
	}

}

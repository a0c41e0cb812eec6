package dev.workflow.actuate;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;

import dev.workflow.api.WorkflowClient;
import dev.workflow.devservers.BrokerServer;
import dev.workflow.devservers.DevServers;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code workflow} health indicator on real servers: UP with its details while database and broker answer and the
 * background work keeps up; DOWN, saying why, when the broker cannot be reached or due work waits too long.
 */
class HealthIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void whenDatabaseAndBrokerAnswerThenUpWithDetailsAndWhenTheBrokerCannotBeReachedThenDown() throws IOException {
		String database = TestDatabases.createEmptyDatabase();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.run(arguments(database, "wf-test-health"))) {
			Health health = workflowHealth(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("database", "reachable")
				.containsEntry("outboxBacklog", 0L)
				.containsEntry("dueBacklog", 0L)
				.containsEntry("oldestDueAge", "PT0S")
				.containsEntry("maxDueAge", "PT5M")
				.doesNotContainKey("reason");
			// The broker this run uses: RabbitMQ from the environment, or the embedded Qpid Broker-J; and its version.
			BrokerServer broker = DevServers.broker();
			assertThat((String) health.getDetails().get("broker"))
				.matches("reachable \\(.*\\Q" + broker.product() + "\\E.* \\d+\\.\\d+\\S*\\)");
		}

		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		// Lazy beans, so that the start does not declare the topology, which an unreachable broker would fail.
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.lazyInitialization(true)
			.run(arguments(database, "wf-test-health-down", "--spring.rabbitmq.port=" + closedPort,
					"--workflow.worker.enabled=false"))) {
			Health health = workflowHealth(context);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("database", "reachable");
			assertThat((String) health.getDetails().get("broker")).startsWith("unreachable: ")
				.contains("Connection refused");
			assertThat((String) health.getDetails().get("reason"))
				.matches("the broker at \\S+:" + closedPort + " cannot be reached: .*Connection refused");
		}
	}

	@Test
	void whenDueWorkWaitsLongerThanTheMaximumAgeThenDownSayingWhy() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.run(arguments(TestDatabases.createEmptyDatabase(), "wf-test-health-due",
					"--workflow.scheduler.enabled=false", "--workflow.health.max-due-age=1s",
					"--workflow.backlog.refresh-interval=100ms"))) {
			assertThat(workflowHealth(context).getStatus()).isEqualTo(Status.UP);

			// No instance runs the background work: the retry of the step's first attempt stays due.
			context.getBean(WorkflowClient.class).start("flaky", "fail-1");

			await().atMost(WAIT).untilAsserted(() -> {
				Health health = workflowHealth(context);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("dueBacklog", 1L)
					.containsEntry("database", "reachable");
				assertThat((String) health.getDetails().get("broker")).startsWith("reachable");
				assertThat((String) health.getDetails().get("reason")).startsWith("due work has waited for ")
					.contains("longer than workflow.health.max-due-age (PT1S)");
			});
		}
	}

	private static String[] arguments(String database, String name, String... more) {
		String[] base = { "--spring.datasource.url=" + database, "--workflow.broker.exchange=" + name,
				"--workflow.broker.step-queue=" + name + ".steps",
				"--workflow.broker.parking-queue=" + name + ".parked" };
		String[] all = Arrays.copyOf(base, base.length + more.length);
		System.arraycopy(more, 0, all, base.length, more.length);
		return all;
	}

	/**
	 * Asks the contributor Spring Boot's health registry knows as {@code workflow}.
	 */
	private static Health workflowHealth(ConfigurableApplicationContext context) {
		HealthIndicator indicator = (HealthIndicator) context.getBean(HealthContributorRegistry.class)
			.getContributor("workflow");
		assertThat(indicator).as("the workflow health contributor").isInstanceOf(WorkflowHealthIndicator.class);
		return indicator.health(true);
	}

}

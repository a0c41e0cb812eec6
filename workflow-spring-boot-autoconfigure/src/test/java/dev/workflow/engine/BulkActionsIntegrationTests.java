package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.BulkResult;
import dev.workflow.api.JobQuery;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StartOptions;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TwoInstances;
import dev.workflow.test.workflows.RepairableWorkflow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Bulk actions by query on two instances that share the database and the queue: a dry run counts, a retry of the
 * FAILED jobs matching a user-context field retries exactly those and records who did it, a cancel and a delete act
 * only on the jobs they apply to.
 */
class BulkActionsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static TwoInstances instances;

	private static WorkflowClient client;

	@BeforeAll
	static void startTwoInstances() {
		instances = TwoInstances.start("bulk");
		client = instances.first().getBean(WorkflowClient.class);
	}

	@AfterAll
	static void stopInstances() {
		if (instances != null) {
			instances.close();
		}
	}

	@Test
	void whenTheFailedJobsOfOneTenantAreRetriedInBulkThenExactlyThoseRunAgainAndRecordWhoDidIt() {
		String batch = UUID.randomUUID().toString();
		List<UUID> acme = start(batch, "acme", 12);
		List<UUID> globex = start(batch, "globex", 5);
		UUID completed = instances.second().getBean(WorkflowClient.class).start("flaky", "fine",
				StartOptions.defaults().userContext(Map.of("batch", batch, "tenant", "acme"))).id();
		List<UUID> all = new ArrayList<>(acme);
		all.addAll(globex);
		await().atMost(WAIT).until(() -> all.stream().allMatch((id) -> status(id) == JobStatus.FAILED)
				&& status(completed) == JobStatus.COMPLETED);
		acme.forEach((id) -> RepairableWorkflow.repair(keyOf(id)));

		JobQuery failedOfAcme = JobQuery.all()
			.status(JobStatus.FAILED)
			.userContextContains(Map.of("batch", batch, "tenant", "acme"))
			.limit(1);
		// The dry run counts every match, whatever the query's limit.
		assertThat(client.count(failedOfAcme)).isEqualTo(12);
		BulkResult retried = client.retryAll(failedOfAcme, "ops@example.com");
		assertThat(retried).extracting(BulkResult::matched, BulkResult::done, BulkResult::skipped)
			.containsExactly(12L, 12L, 0L);

		await().atMost(WAIT).until(() -> acme.stream().allMatch((id) -> status(id) == JobStatus.COMPLETED));
		assertThat(globex).allMatch((id) -> status(id) == JobStatus.FAILED);
		assertThat(client.actions(acme.get(0))).singleElement().satisfies((action) -> {
			assertThat(action.action()).isEqualTo("retry");
			assertThat(action.actor()).isEqualTo("ops@example.com");
		});
		assertThat(client.actions(globex.get(0))).isEmpty();

		// A second retry finds nothing FAILED among them; a cancel of the batch skips what has ended.
		assertThat(client.retryAll(failedOfAcme, "ops@example.com").matched()).isZero();
		JobQuery wholeBatch = JobQuery.all().userContextContains(Map.of("batch", batch));
		BulkResult cancelled = client.cancelAll(wholeBatch, "ops@example.com");
		assertThat(cancelled).extracting(BulkResult::matched, BulkResult::done, BulkResult::skipped)
			.containsExactly(18L, 0L, 18L);
		assertThat(cancelled.reasons()).hasSize(18)
			.allMatch((reason) -> reason.contains("has already ended"));

		// Delete the completed jobs of acme: their history goes with them; globex's stay.
		JobQuery completedOfAcme = JobQuery.all()
			.status(JobStatus.COMPLETED)
			.userContextContains(Map.of("batch", batch, "tenant", "acme"));
		BulkResult deleted = client.deleteAll(completedOfAcme, "ops@example.com");
		assertThat(deleted).extracting(BulkResult::matched, BulkResult::done).containsExactly(13L, 13L);
		assertThat(client.count(wholeBatch)).isEqualTo(5);
		assertThat(client.get(acme.get(0))).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> client.retryAll(wholeBatch, " "))
			.withMessage("A bulk action needs the name of who does it, of 1 to 200 characters");
	}

	private static List<UUID> start(String batch, String tenant, int jobs) {
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < jobs; i++) {
			String key = UUID.randomUUID().toString();
			UUID id = ((i % 2 == 0) ? client : instances.second().getBean(WorkflowClient.class))
				.start("repairable", key, StartOptions.defaults()
					.userContext(Map.of("batch", batch, "tenant", tenant, "key", key)))
				.id();
			ids.add(id);
		}
		return ids;
	}

	private static String keyOf(UUID job) {
		return String.valueOf(client.get(job).orElseThrow().userContext().get("key"));
	}

	private static JobStatus status(UUID id) {
		return client.get(id).orElseThrow().status();
	}

}

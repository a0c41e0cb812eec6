package dev.workflow.testing.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.workflow.api.JobHandle;
import dev.workflow.api.JobQuery;
import dev.workflow.api.StepExecution;
import dev.workflow.api.WorkflowClient;

import static dev.workflow.testing.WorkflowAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link FirstContextIsolationIntegrationTests} and {@link SecondContextIsolationIntegrationTests} check, each in
 * a context of its own, differently configured, in one JVM and without {@code @DirtiesContext}: whichever runs second
 * does so while the other's context, cached, still runs beside it. Its jobs must be run by its own worker only, and
 * neither must see the other's jobs. With a queue and a schema in common, the other context's consumers would take
 * about half of its steps.
 */
final class ContextIsolation {

	private static final int JOBS = 40;

	private ContextIsolation() {
	}

	static void assertRunByItself(WorkflowClient client, String workerId) {
		List<JobHandle<Object>> jobs = new ArrayList<>();
		for (int i = 0; i < JOBS; i++) {
			jobs.add(client.start("greeting", workerId + "-" + i));
		}
		for (JobHandle<Object> job : jobs) {
			assertThat(job).completesWithin(Duration.ofSeconds(30));
			assertThat(job.history()).extracting(StepExecution::workerId).containsOnly(workerId);
		}
		assertThat(client.count(JobQuery.all().workflow("greeting"))).isEqualTo(JOBS);
	}

}

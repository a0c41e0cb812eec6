package dev.workflow.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.StepExecution;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.workflows.ReleasedWorkflows;
import dev.workflow.test.workflows.ReleasedWorkflows.DeprecatedRelease;
import dev.workflow.test.workflows.ReleasedWorkflows.OldRelease;
import dev.workflow.test.workflows.ReleasedWorkflows.PatchedRelease;
import dev.workflow.test.workflows.ReleasedWorkflows.ReleaseSteps;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Releases of a workflow method that change it under running jobs: each release is an application context of its
 * own, closed before the next starts, on the same database and queues.
 */
class PatchedReleaseIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void whenAChangeIsBehindPatchedThenOldJobsKeepTheOldPathAndNewJobsTakeTheNewOneUntilAfterDeprecation() {
		UUID old;
		UUID patched;
		UUID recordedWithMarker;
		try (ConfigurableApplicationContext release1 = release(Release1.class)) {
			WorkflowClient client = release1.getBean(WorkflowClient.class);
			old = client.start("release", "a").id();
			awaitWaitingForEvent(client, old);
		}
		try (ConfigurableApplicationContext release2 = release(Release2.class)) {
			WorkflowClient client = release2.getBean(WorkflowClient.class);
			client.sendEvent(old, "go", "go");
			assertThat(client.handle(old, String.class).await(WAIT)).isEqualTo("old:a+go:done");
			assertThat(client.history(old)).extracting(StepExecution::step)
				.containsExactly("oldStep", "workflow.event", "finish");

			patched = client.start("release", "b").id();
			awaitWaitingForEvent(client, patched);
			client.sendEvent(patched, "go", "go");
			assertThat(client.handle(patched, String.class).await(WAIT)).isEqualTo("new:b+go:done");
			List<StepExecution> history = client.history(patched);
			assertThat(history).extracting(StepExecution::step)
				.containsExactly("workflow.patch", "newStep", "workflow.event", "finish");
			assertThat(history.get(0).input()).isEqualTo(Map.of("id", ReleasedWorkflows.CHANGE));

			recordedWithMarker = client.start("release", "c").id();
			awaitWaitingForEvent(client, recordedWithMarker);
		}
		try (ConfigurableApplicationContext release3 = release(Release3.class)) {
			WorkflowClient client = release3.getBean(WorkflowClient.class);
			client.sendEvent(recordedWithMarker, "go", "go");
			assertThat(client.handle(recordedWithMarker, String.class).await(WAIT)).isEqualTo("new:c+go:done");
			assertThat(client.history(recordedWithMarker)).extracting(StepExecution::step)
				.containsExactly("workflow.patch", "newStep", "workflow.event", "finish");

			UUID afterDeprecation = client.start("release", "d").id();
			client.sendEvent(afterDeprecation, "go", "go");
			assertThat(client.handle(afterDeprecation, String.class).await(WAIT)).isEqualTo("new:d+go:done");
			assertThat(client.history(afterDeprecation)).extracting(StepExecution::step)
				.containsExactly("newStep", "workflow.event", "finish");
		}
	}

	private static void awaitWaitingForEvent(WorkflowClient client, UUID job) {
		await().atMost(WAIT)
			.until(() -> client.history(job).stream().anyMatch((entry) -> entry.step().equals("workflow.event")));
	}

	private static ConfigurableApplicationContext release(Class<?> release) {
		return new SpringApplicationBuilder(release).run("--workflow.worker.id=" + release.getSimpleName(),
				"--workflow.scheduler.poll-interval=100ms", "--workflow.broker.exchange=wf-test-release",
				"--workflow.broker.step-queue=wf-test-release.steps",
				"--workflow.broker.parking-queue=wf-test-release.parked");
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Steps {

		@Bean
		ReleaseSteps releaseSteps() {
			return new ReleaseSteps();
		}

	}

	static class Release1 extends Steps {

		@Bean
		OldRelease release(ReleaseSteps steps) {
			return new OldRelease(steps);
		}

	}

	static class Release2 extends Steps {

		@Bean
		PatchedRelease release(ReleaseSteps steps) {
			return new PatchedRelease(steps);
		}

	}

	static class Release3 extends Steps {

		@Bean
		DeprecatedRelease release(ReleaseSteps steps) {
			return new DeprecatedRelease(steps);
		}

	}

}

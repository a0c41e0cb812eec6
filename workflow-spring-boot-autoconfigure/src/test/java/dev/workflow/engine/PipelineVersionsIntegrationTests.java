package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.workflow.actuate.WorkflowHealthIndicator;
import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Job;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StepOutcome;
import dev.workflow.api.WorkflowClient;
import dev.workflow.autoconfigure.WorkflowHealthContributorAutoConfiguration;
import dev.workflow.autoconfigure.WorkflowObservabilityAutoConfiguration;
import dev.workflow.test.TestServers;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Running pipeline jobs outlive the release that started them: a job that waits at a step goes on through the next
 * release's definition, which may add steps before, between and after, rename steps (with aliases) and remove steps
 * the job has passed; each job records the version of the definition it started under. A release that removes the
 * step a job waits at says so, and the job is not failed at start-up.
 */
class PipelineVersionsIntegrationTests {

	private static final Duration WAIT = Duration.ofMinutes(1);

	@Test
	void whenANewReleaseChangesThePipelineThenAJobWaitingAtAMiddleStepCompletesThroughTheNewDefinition() {
		String[] releaseOneVersion = new String[1];
		UUID[] waiting = new UUID[1];
		// Release 1: the job runs 'a', then fails at 'b' and waits for its retry when release 1 stops.
		release("versions", "release-1", VersionedOne.class).run((first) -> {
			releaseOneVersion[0] = first.getBean(WorkflowEngine.class).registry().require("versioned").fingerprint();
			JdbcTemplate jdbc = jdbc(first);
			UUID job = first.getBean(WorkflowClient.class).start("versioned", List.of("start")).id();
			await().atMost(WAIT).until(() -> jdbc.queryForObject("select count(*) from wf_step_execution where job_id = ? "
					+ "and step_name = 'b' and status = 'SCHEDULED'", Integer.class, job) == 1);
			waiting[0] = job;
		});
		UUID job = waiting[0];
		// Release 2: 'pre' added before, 'a' removed (passed), 'x' added between, 'c' renamed 'c2', 'e' added after.
		release("versions", "release-2", VersionedTwo.class).run((second) -> {
			WorkflowClient client = second.getBean(WorkflowClient.class);
			String releaseTwoVersion = second.getBean(WorkflowEngine.class).registry().require("versioned").fingerprint();
			assertThat(releaseTwoVersion).matches("[0-9a-f]{12}").isNotEqualTo(releaseOneVersion[0]);
			assertThat(releaseOneVersion[0]).matches("[0-9a-f]{12}");

			await().atMost(WAIT).until(() -> client.get(job).orElseThrow().status().isFinal());
			Job ended = client.get(job).orElseThrow();
			assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
			assertThat(ended.output()).isEqualTo(List.of("start", "a", "b", "x", "c2", "d", "e"));
			assertThat(ended.definitionVersion()).isEqualTo(releaseOneVersion[0]);

			Job fresh = client.get(client.start("versioned", List.of("new")).id()).orElseThrow();
			assertThat(fresh.definitionVersion()).isEqualTo(releaseTwoVersion);
			assertThat(client.start("versioned", List.of("new")).await(WAIT))
				.isEqualTo(List.of("new", "pre", "b", "x", "c2", "d", "e"));
			// A goTo target under the old name of a renamed step goes to the step.
			assertThat(client.start("versioned", List.of("skip")).await(WAIT))
				.isEqualTo(List.of("skip", "pre", "b", "c2", "d", "e"));
		});
	}

	@Test
	void whenAReleaseRemovesTheStepAJobWaitsAtThenItWarnsAtStartUpShowsItInHealthAndLeavesTheJobRunning() {
		Logger logger = (Logger) LoggerFactory.getLogger(UnknownWork.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			UUID[] job = new UUID[1];
			release("shrinking", "release-1", ShrinkingOne.class).run((first) -> {
				JdbcTemplate jdbc = jdbc(first);
				job[0] = first.getBean(WorkflowClient.class).start("shrinking", List.of("start")).id();
				await().atMost(WAIT).until(() -> jdbc.queryForObject("select count(*) from wf_step_execution where "
						+ "job_id = ? and step_name = 'two' and status = 'SCHEDULED'", Integer.class, job[0]) == 1);
			});
			release("shrinking", "release-2", ShrinkingTwo.class)
				.withConfiguration(AutoConfigurations.of(WorkflowObservabilityAutoConfiguration.class,
						WorkflowHealthContributorAutoConfiguration.class))
				.run((second) -> {
					List<String> warnings;
					synchronized (appender) {
						warnings = appender.list.stream()
							.map(ILoggingEvent::getFormattedMessage)
							.filter((line) -> line.contains("workflow 'shrinking'"))
							.toList();
					}
					assertThat(warnings).singleElement()
						.asString()
						.startsWith("1 job(s) of workflow 'shrinking' wait at step 'two', which this release's definition")
						.contains("They are not failed")
						.contains("workflow.worker.unknown-work-timeout (PT1H)");
					Health health = second.getBean(WorkflowHealthIndicator.class).health();
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					@SuppressWarnings("unchecked")
					List<Map<String, Object>> removed = (List<Map<String, Object>>) health.getDetails()
						.get("removedSteps");
					assertThat(removed).singleElement().satisfies((group) -> assertThat(group)
						.containsEntry("workflow", "shrinking")
						.containsEntry("step", "two")
						.containsEntry("jobs", 1L));
					WorkflowClient client = second.getBean(WorkflowClient.class);
					assertThat(client.get(job[0]).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
					client.cancel(job[0]);
				});
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void whenAReleaseRenamesAStepThatAWorkflowMethodCalledThenTheReplayMatchesItsHistoryUnderTheOldName() {
		UUID[] job = new UUID[1];
		release("renaming", "release-1", RenamingOne.class).run((first) -> {
			JdbcTemplate jdbc = jdbc(first);
			job[0] = first.getBean(WorkflowClient.class).start("renaming", "order").id();
			await().atMost(WAIT).until(() -> jdbc.queryForObject("select count(*) from wf_step_execution where "
					+ "job_id = ? and step_name = 'finish' and status = 'SCHEDULED'", Integer.class, job[0]) == 1);
			assertThat(first.getBean(WorkflowClient.class).get(job[0]).orElseThrow().definitionVersion())
				.as("a workflow method has no definition version").isNull();
		});
		release("renaming", "release-2", RenamingTwo.class).run((second) -> {
			WorkflowClient client = second.getBean(WorkflowClient.class);
			await().atMost(WAIT).until(() -> client.get(job[0]).orElseThrow().status().isFinal());
			Job ended = client.get(job[0]).orElseThrow();
			assertThat(ended.status()).as("%s", ended.error()).isEqualTo(JobStatus.COMPLETED);
			assertThat(ended.output()).isEqualTo("order-fetched-finished");
		});
	}

	private static JdbcTemplate jdbc(ApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class));
	}

	private static ApplicationContextRunner release(String queues, String workerId, Class<?> configuration) {
		return TestServers.runner("pipeline-" + queues)
			.withUserConfiguration(configuration)
			.withPropertyValues("workflow.worker.id=" + workerId, "workflow.worker.concurrency=1");
	}

	private static List<String> add(List<String> trail, String step) {
		List<String> next = new ArrayList<>(trail);
		next.add(step);
		return next;
	}

	@Configuration(proxyBeanMethods = false)
	static class VersionedOne {

		@Bean
		VersionedPipelineOne versionedPipeline() {
			return new VersionedPipelineOne();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class VersionedTwo {

		@Bean
		VersionedPipelineTwo versionedPipeline() {
			return new VersionedPipelineTwo();
		}

	}

	@Workflow(name = "versioned")
	static class VersionedPipelineOne {

		@Step(order = 1)
		List<String> a(List<String> trail) {
			return add(trail, "a");
		}

		/** Fails in this release, so that the job waits here for its retry. */
		@Step(order = 2, maxAttempts = 10, initialDelay = "3s", multiplier = 1)
		List<String> b(List<String> trail) {
			throw new IllegalStateException("release 1 cannot do b");
		}

		@Step(order = 3)
		List<String> c(List<String> trail) {
			return add(trail, "c");
		}

		@Step(order = 4)
		List<String> d(List<String> trail) {
			return add(trail, "d");
		}

	}

	@Workflow(name = "versioned")
	static class VersionedPipelineTwo {

		@Step(order = 0)
		List<String> pre(List<String> trail) {
			return add(trail, "pre");
		}

		@Step(order = 2)
		Object b(List<String> trail) {
			List<String> next = add(trail, "b");
			return next.get(0).equals("skip") ? StepOutcome.goTo("c", next) : next;
		}

		@Step(order = 3)
		List<String> x(List<String> trail) {
			return add(trail, "x");
		}

		@Step(order = 4, aliases = "c")
		List<String> c2(List<String> trail) {
			return add(trail, "c2");
		}

		@Step(order = 5)
		List<String> d(List<String> trail) {
			return add(trail, "d");
		}

		@Step(order = 6)
		List<String> e(List<String> trail) {
			return add(trail, "e");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ShrinkingOne {

		@Bean
		ShrinkingPipelineOne shrinkingPipeline() {
			return new ShrinkingPipelineOne();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ShrinkingTwo {

		@Bean
		ShrinkingPipelineTwo shrinkingPipeline() {
			return new ShrinkingPipelineTwo();
		}

	}

	@Workflow(name = "shrinking")
	static class ShrinkingPipelineOne {

		@Step(order = 1)
		List<String> one(List<String> trail) {
			return add(trail, "one");
		}

		@Step(order = 2, maxAttempts = 2, initialDelay = "1h", maxDelay = "1h")
		List<String> two(List<String> trail) {
			throw new IllegalStateException("release 1 cannot do two yet");
		}

		@Step(order = 3)
		List<String> three(List<String> trail) {
			return add(trail, "three");
		}

	}

	@Workflow(name = "shrinking")
	static class ShrinkingPipelineTwo {

		@Step(order = 1)
		List<String> one(List<String> trail) {
			return add(trail, "one");
		}

		@Step(order = 3)
		List<String> three(List<String> trail) {
			return add(trail, "three");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RenamingOne {

		@Bean
		StepsOne renamingSteps() {
			return new StepsOne();
		}

		@Bean
		RenamingWorkflowOne renamingWorkflow(StepsOne steps) {
			return new RenamingWorkflowOne(steps);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RenamingTwo {

		@Bean
		StepsTwo renamingSteps() {
			return new StepsTwo();
		}

		@Bean
		RenamingWorkflowTwo renamingWorkflow(StepsTwo steps) {
			return new RenamingWorkflowTwo(steps);
		}

	}

	public static class StepsOne {

		@Step
		public String fetch(String order) {
			return order + "-fetched";
		}

		/** Fails in this release, so that the job waits for its retry. */
		@Step(maxAttempts = 10, initialDelay = "3s", multiplier = 1)
		public String finish(String fetched) {
			throw new IllegalStateException("release 1 cannot finish");
		}

	}

	public static class StepsTwo {

		@Step(aliases = "fetch")
		public String load(String order) {
			return order + "-fetched";
		}

		@Step
		public String finish(String fetched) {
			return fetched + "-finished";
		}

	}

	@Workflow(name = "renaming")
	public static class RenamingWorkflowOne {

		private final StepsOne steps;

		RenamingWorkflowOne(StepsOne steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String order) {
			return this.steps.finish(this.steps.fetch(order));
		}

	}

	@Workflow(name = "renaming")
	public static class RenamingWorkflowTwo {

		private final StepsTwo steps;

		RenamingWorkflowTwo(StepsTwo steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String order) {
			return this.steps.finish(this.steps.load(order));
		}

	}

}

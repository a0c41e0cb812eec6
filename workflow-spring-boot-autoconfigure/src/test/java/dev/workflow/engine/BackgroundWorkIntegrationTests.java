package dev.workflow.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workflow.api.JobHandle;
import dev.workflow.api.WorkflowClient;
import dev.workflow.store.EndedJobs;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import dev.workflow.test.workflows.BlockingWorkflow;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The background work on real servers, in a database of its own: renewing leases waits for nothing else, and a task
 * that fails, even with an {@link Error}, keeps its schedule.
 */
class BackgroundWorkIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void whenRetentionIsStuckInALongPassThenTheLeasesOfRunningStepsAreStillRenewed() {
		try (ConfigurableApplicationContext context = run("stuck")) {
			TestRetention retention = context.getBean(TestRetention.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			await().atMost(WAIT).until(() -> retention.passes.get() == 1);

			JobHandle<Object> job = context.getBean(WorkflowClient.class).start("blocking", "renewed");
			String lease = "select lease_expires_at from wf_step_execution where job_id = ? and status = 'RUNNING'";
			await().atMost(WAIT).until(() -> !jdbc.queryForList(lease, OffsetDateTime.class, job.id()).isEmpty());
			OffsetDateTime claimed = jdbc.queryForObject(lease, OffsetDateTime.class, job.id());
			// A renewal of the lease taken at the claim, while retention's pass goes on.
			await("a renewal of the step's lease").atMost(WAIT)
				.until(() -> jdbc.queryForList(lease, OffsetDateTime.class, job.id())
					.stream()
					.anyMatch((renewed) -> renewed.isAfter(claimed)));
			assertThat(retention.passes).as("retention's passes: still in its first").hasValue(1);

			BlockingWorkflow.release(job.id());
			assertThat(job.await(WAIT)).isEqualTo("renewed-1-2");
			assertThat(jdbc.queryForList("select attempt from wf_step_execution where job_id = ? and step_name = "
					+ "'block'", Integer.class, job.id()))
				.as("the blocked step ran once: its lease never lapsed")
				.containsExactly(1);
			retention.release.countDown();
		}
	}

	@Test
	void whenATaskThrowsAnErrorThenItRunsAgainOnItsSchedule() {
		try (ConfigurableApplicationContext context = run("error")) {
			TestRetention retention = context.getBean(TestRetention.class);

			await().atMost(WAIT).until(() -> retention.passes.get() >= 3);
		}
	}

	private static ConfigurableApplicationContext run(String firstPass) {
		return new SpringApplicationBuilder(TestApplication.class, TestRetentionConfiguration.class).run(
				"--spring.datasource.url=" + TestDatabases.createEmptyDatabase(),
				"--workflow.broker.exchange=wf-test-background", "--workflow.broker.step-queue=wf-test-background.steps",
				"--workflow.broker.parking-queue=wf-test-background.parked", "--workflow.worker.lease-duration=1500ms",
				"--workflow.scheduler.poll-interval=100ms", "--test.retention.first-pass=" + firstPass);
	}

	@Configuration(proxyBeanMethods = false)
	static class TestRetentionConfiguration {

		@Bean
		TestRetention testRetention(EndedJobs endedJobs, Environment environment) {
			return new TestRetention(endedJobs, environment.getRequiredProperty("test.retention.first-pass"));
		}

	}

	/**
	 * A retention whose first pass is stuck (as one over millions of ended jobs is, for minutes) or throws an
	 * {@link Error}; every later pass returns at once.
	 */
	static class TestRetention extends Retention {

		final AtomicInteger passes = new AtomicInteger();

		final CountDownLatch release = new CountDownLatch(1);

		private final String firstPass;

		TestRetention(EndedJobs endedJobs, String firstPass) {
			super(endedJobs, Duration.ofDays(1), 100, Duration.ofMillis(100), Clock.systemUTC());
			this.firstPass = firstPass;
		}

		@Override
		public long deleteExpired() {
			if (this.passes.incrementAndGet() > 1) {
				return 0;
			}
			if (this.firstPass.equals("error")) {
				throw new NoClassDefFoundError("a class that retention needs (simulated)");
			}
			try {
				this.release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return 0;
		}

	}

}

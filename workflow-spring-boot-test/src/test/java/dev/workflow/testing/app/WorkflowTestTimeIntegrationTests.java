package dev.workflow.testing.app;

import java.time.Duration;
import java.time.Instant;

import dev.workflow.api.JobHandle;
import dev.workflow.api.JobQuery;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StepStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowEvent;
import dev.workflow.testing.WorkflowTest;
import dev.workflow.testing.WorkflowTestEvents;
import dev.workflow.testing.WorkflowTestTime;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.workflow.testing.WorkflowAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Time moved forward by a test: sleeps, retry back-offs, deadlines and schedule fires in the span happen in the call.
 */
@WorkflowTest
class WorkflowTestTimeIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Autowired
	private WorkflowClient client;

	@Autowired
	private WorkflowTestTime time;

	@Autowired
	private WorkflowTestEvents events;

	@Test
	void whenTimeAdvancesThreeDaysThenTheSleepEndsAndTheJobCompletesInTheCall() {
		JobHandle<String> job = this.client.start("onboarding", "ada@example.com").as(String.class);
		this.time.advance(Duration.ofDays(1));
		assertThat(job).hasStatus(JobStatus.RUNNING);
		Instant before = Instant.now();
		this.time.advance(Duration.ofDays(2));
		assertThat(job).hasStatus(JobStatus.COMPLETED)
			.hasResult("followed up ada@example.com")
			.step("send_welcome")
			.hasAttempts(1)
			.step("send_follow_up")
			.hasAttempts(1)
			.hasOutput("followed up ada@example.com");
		assertThat(Duration.between(before, Instant.now())).isLessThan(WAIT);
		assertThat(this.events.of(job.id())).last().isInstanceOf(WorkflowEvent.JobCompleted.class);
	}

	@Test
	void whenTimeAdvancesPastARetryBackOffThenTheRetryRuns() {
		JobHandle<String> job = this.client.start("invoicing", "inv-1").as(String.class);
		this.events.await(WorkflowEvent.StepFailed.class, (failed) -> failed.jobId().equals(job.id()), WAIT);
		this.time.advance(Duration.ofMinutes(59));
		assertThat(job).hasStatus(JobStatus.RUNNING).step("issue").hasAttempts(2).hasStatus(StepStatus.SCHEDULED);
		this.time.advance(Duration.ofMinutes(1));
		assertThat(job).hasStatus(JobStatus.COMPLETED).hasResult("issued inv-1").step("issue").hasAttempts(2);
	}

	@Test
	void whenTimeAdvancesPastADeadlineThenTheJobTimesOut() {
		JobHandle<Object> job = this.client.start("trial_expiry", "acme");
		this.time.advance(Duration.ofDays(3));
		assertThat(job).hasStatus(JobStatus.TIMED_OUT);
	}

	@Test
	void whenTimeAdvancesTwoDaysThenADailyScheduleFiresTwice() {
		JobQuery digests = JobQuery.all().workflow("daily_digest");
		long before = this.client.count(digests);
		this.time.advance(Duration.ofDays(2));
		assertThat(this.client.count(digests)).isEqualTo(before + 2);
		assertThat(this.client.count(digests.status(JobStatus.COMPLETED))).isEqualTo(before + 2);
	}

	@Test
	void whenAskedToGoBackThenTimeRefuses() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.time.advance(Duration.ofSeconds(-1)))
			.withMessageContaining("Time only moves forward");
	}

	@Test
	void whenAJobEndsThenItsAssertionsWaitForIt() {
		JobHandle<Object> job = this.client.start("greeting", "Ada");
		assertThat(job).completesWithin(WAIT).hasResult("Hello, Ada!").step("hello").hasAttempts(1);
	}

}

package dev.workflow.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.workflow.test.TestApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@DirtiesContext
@SpringBootTest(classes = TestApplication.class, properties = { "workflow.worker.enabled=false",
		"workflow.scheduler.enabled=false", "workflow.broker.exchange=wf-test-claim",
		"workflow.broker.step-queue=wf-test-claim.steps", "workflow.broker.parking-queue=wf-test-claim.parked" })
class StepClaimIntegrationTests {

	@Autowired
	StepExecutions steps;

	@Autowired
	StepCompletions completions;

	@Autowired
	JdbcTemplate jdbc;

	private final List<UUID> jobs = new ArrayList<>();

	@AfterEach
	void removeJobs() {
		// Claimed rows would otherwise lapse later and be dispatched by other tests' instances.
		this.jobs.forEach((job) -> {
			this.jdbc.update("delete from wf_step_execution where job_id = ?", job);
			this.jdbc.update("delete from wf_job where id = ?", job);
		});
	}

	@Test
	void whenTwoDeliveriesClaimTheSameStepExecutionAtOnceThenExactlyOneWins() throws Exception {
		for (int round = 0; round < 20; round++) {
			UUID execution = queuedExecution();
			CountDownLatch go = new CountDownLatch(1);
			ExecutorService workers = Executors.newFixedThreadPool(2);
			List<Future<Boolean>> claims = new ArrayList<>();
			for (String worker : List.of("worker-1", "worker-2")) {
				claims.add(workers.submit(() -> {
					go.await();
					Instant now = Instant.now();
					return claim(execution, worker, now, now.plusSeconds(30));
				}));
			}
			go.countDown();
			int won = 0;
			for (Future<Boolean> claim : claims) {
				won += claim.get(10, TimeUnit.SECONDS) ? 1 : 0;
			}
			workers.shutdown();
			assertThat(won).as("claims won in round %d", round).isEqualTo(1);
		}
	}

	@Test
	void whenTheLeaseOfARunningStepHasLapsedThenAnotherWorkerCanClaimItButNotBefore() {
		UUID execution = queuedExecution();
		Instant now = Instant.now();
		assertThat(claim(execution, "first", now, now.plusSeconds(30))).isTrue();
		assertThat(claim(execution, "second", now.plusSeconds(10), now.plusSeconds(40))).isFalse();
		assertThat(claim(execution, "second", now.plusSeconds(31), now.plusSeconds(60))).isTrue();
		assertThat(this.jdbc.queryForObject("select worker_id from wf_step_execution where id = ?", String.class,
				execution))
			.isEqualTo("second");
	}

	@Test
	void whenAStepIsClaimedAgainAfterItsLeaseLapsedThenTheLostClaimCanNeitherRenewNorCompleteIt() {
		UUID execution = queuedExecution();
		Instant now = Instant.now();
		StepExecutions.Claimed first = this.steps
			.claim(new StepExecutions.ClaimRequest(execution, 1, "flaky", "flaky", "first", now, now.plusSeconds(30)));
		StepExecutions.Claimed second = this.steps.claim(
				new StepExecutions.ClaimRequest(execution, 1, "flaky", "flaky", "second", now.plusSeconds(31), now.plusSeconds(60)));
		assertThat(first.epoch()).isEqualTo(1);
		assertThat(second.epoch()).isEqualTo(2);

		assertThat(this.steps.renewLeases(Map.of(execution, first.epoch()), now.plusSeconds(90)))
			.as("renewals under the lost claim").isZero();
		assertThat(this.completions.completeRunning(new StepCompletions.StepDone(
				new StepExecutions.HeldClaim(execution, 1, first.epoch()), "\"late\"", now.plusSeconds(32))))
			.as("a completion under the lost claim").isNull();
		assertThat(this.jdbc.queryForMap("select status, worker_id, output from wf_step_execution where id = ?",
				execution))
			.containsEntry("status", "RUNNING")
			.containsEntry("worker_id", "second")
			.containsEntry("output", null);

		assertThat(this.steps.renewLeases(Map.of(execution, second.epoch()), now.plusSeconds(90))).isEqualTo(1);
		assertThat(this.completions.completeRunning(new StepCompletions.StepDone(
				new StepExecutions.HeldClaim(execution, 1, second.epoch()), "\"on time\"", now.plusSeconds(33))))
			.isZero();
	}

	@Test
	void whenASecondRowForTheSameAttemptOfAPositionIsWrittenThenTheDatabaseRefusesIt() {
		UUID execution = queuedExecution();
		UUID job = this.jdbc.queryForObject("select job_id from wf_step_execution where id = ?", UUID.class, execution);

		assertThatExceptionOfType(DataIntegrityViolationException.class).isThrownBy(() -> this.jdbc.update(
				"insert into wf_step_execution (id, job_id, sequence, step_name, attempt, status, created_at) "
						+ "values (?, ?, 0, 'flaky', 1, 'QUEUED', now())",
				UUID.randomUUID(), job));
	}

	@Test
	void whenTheJobOfAQueuedStepHasEndedThenTheClaimSaysSoAndTheJobStaysEnded() {
		UUID execution = queuedExecution();
		this.jdbc.update("update wf_job set status = 'CANCELLED' where id = (select job_id from wf_step_execution "
				+ "where id = ?)", execution);
		Instant now = Instant.now();

		assertThat(this.steps
			.claim(new StepExecutions.ClaimRequest(execution, 1, "flaky", "flaky", "worker", now, now.plusSeconds(30)))
			.outcome()).isEqualTo(StepExecutions.Claim.JOB_ENDED);
		assertThat(this.jdbc.queryForObject("select j.status from wf_job j join wf_step_execution s on s.job_id = j.id "
				+ "where s.id = ?", String.class, execution)).isEqualTo("CANCELLED");
	}

	@Test
	void whenAStepIsClaimedThenItsJobRunsWithItAsCurrentStep() {
		UUID execution = queuedExecution();
		Instant now = Instant.now();

		assertThat(claim(execution, "worker", now, now.plusSeconds(30))).isTrue();
		assertThat(this.jdbc.queryForMap("select j.status, j.current_step, j.started_at is not null as started "
				+ "from wf_job j join wf_step_execution s on s.job_id = j.id where s.id = ?", execution))
			.containsEntry("status", "RUNNING")
			.containsEntry("current_step", "flaky")
			.containsEntry("started", true);
	}

	private boolean claim(UUID execution, String worker, Instant now, Instant until) {
		return this.steps.claim(new StepExecutions.ClaimRequest(execution, 1, "flaky", "flaky", worker, now, until))
			.outcome() == StepExecutions.Claim.CLAIMED;
	}

	private UUID queuedExecution() {
		return TestRows.queuedExecution(this.jdbc, this.jobs);
	}

}

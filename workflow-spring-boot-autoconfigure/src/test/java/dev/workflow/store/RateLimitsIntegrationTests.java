package dev.workflow.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.workflow.test.TestApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The buckets of rate limits on the database, with the time given to each call: a step under two rates that other
 * steps keep busy waits for one at a time, gives back a slot no one queued behind, and after three waits keeps its
 * place under both, so that it starts.
 */
@DirtiesContext
@SpringBootTest(classes = TestApplication.class, properties = { "workflow.worker.enabled=false",
		"workflow.scheduler.enabled=false", "workflow.broker.exchange=wf-test-rates",
		"workflow.broker.step-queue=wf-test-rates.steps", "workflow.broker.parking-queue=wf-test-rates.parked" })
class RateLimitsIntegrationTests {

	private static final Instant T0 = Instant.parse("2031-01-01T00:00:00Z");

	@Autowired
	RateLimits rates;

	@Autowired
	StepExecutions steps;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	PlatformTransactionManager transactionManager;

	private final List<UUID> jobs = new ArrayList<>();

	private final List<String> buckets = new ArrayList<>();

	@AfterEach
	void remove() {
		this.jobs.forEach((job) -> {
			this.jdbc.update("delete from wf_step_execution where job_id = ?", job);
			this.jdbc.update("delete from wf_job where id = ?", job);
		});
		this.buckets.forEach((bucket) -> this.jdbc.update("delete from wf_rate_limit where name = ?", bucket));
	}

	@Test
	void whenTwoBusyRatesHoldAStepThenItWaitsForOneAtATimeAndAfterThreeWaitsKeepsItsPlaceUnderBoth() {
		RateLimits.Bucket a = bucket("a");
		RateLimits.Bucket b = bucket("b");
		List<RateLimits.Bucket> both = List.of(a, b);
		this.rates.create(both, T0);
		UUID step = queuedExecution();

		// Others take every token of a, and reserve five slots of b ahead.
		assertThat(acquire(List.of(a, b), UUID.randomUUID(), T0)).isNull();
		for (int i = 0; i < 5; i++) {
			assertThat(acquire(List.of(b), UUID.randomUUID(), T0)).isNotNull();
		}
		RateLimits.Reservation first = wait(both, step, T0);
		assertThat(first.buckets()).containsExactly(b.name());
		assertThat(first.waits()).isEqualTo(1);

		// At its slot of b, a is full of others' reservations: it waits for a, and gives its token of b back, since
		// no step reserved a slot of b after its own.
		Instant second = T0.plus(first.delay());
		for (int i = 0; i < 8; i++) {
			acquire(List.of(a), UUID.randomUUID(), second);
		}
		RateLimits.Reservation waitForA = wait(both, step, second);
		assertThat(waitForA.buckets()).containsExactly(a.name());
		assertThat(waitForA.waits()).isEqualTo(2);
		assertThat(tokens(b, second)).as("b's token given back: no slot was reserved after it").isEqualTo(1.0);

		Instant third = second.plus(waitForA.delay());
		for (int i = 0; i < 8; i++) {
			acquire(List.of(b), UUID.randomUUID(), third);
		}
		RateLimits.Reservation waitForB = wait(both, step, third);
		assertThat(waitForB.buckets()).containsExactly(b.name());
		assertThat(waitForB.waits()).isEqualTo(3);

		// Its third wait is over and a is busy again: now it keeps its slot of b and takes one of a as well.
		Instant fourth = third.plus(waitForB.delay());
		for (int i = 0; i < 8; i++) {
			acquire(List.of(a), UUID.randomUUID(), fourth);
		}
		RateLimits.Reservation underBoth = wait(both, step, fourth);
		assertThat(underBoth.buckets()).containsExactlyInAnyOrder(a.name(), b.name());
		assertThat(underBoth.waits()).isEqualTo(4);

		// At the latest of its slots it starts, whatever the others reserved meanwhile.
		Instant fifth = fourth.plus(underBoth.delay());
		acquire(List.of(a), UUID.randomUUID(), fifth);
		acquire(List.of(b), UUID.randomUUID(), fifth);
		assertThat(acquire(both, step, fifth)).isNull();
	}

	private RateLimits.Bucket bucket(String name) {
		RateLimits.Bucket bucket = new RateLimits.Bucket("test:" + name + ":" + UUID.randomUUID(), 1, 1.0);
		this.buckets.add(bucket.name());
		return bucket;
	}

	/** Acquires for a step and, if it must wait, records its wait, and queues it again as its due time would. */
	private RateLimits.Reservation wait(List<RateLimits.Bucket> over, UUID step, Instant now) {
		RateLimits.Reservation reservation = acquire(over, step, now);
		assertThat(reservation).isNotNull();
		new TransactionTemplate(this.transactionManager)
			.executeWithoutResult((status) -> assertThat(this.steps.postpone(step, 1, reservation, now)).isTrue());
		this.jdbc.update("update wf_step_execution set status = 'QUEUED', due_at = null where id = ?", step);
		return reservation;
	}

	private RateLimits.Reservation acquire(List<RateLimits.Bucket> over, UUID step, Instant now) {
		return new TransactionTemplate(this.transactionManager)
			.execute((status) -> this.rates.acquire(over, step, 1, now));
	}

	private double tokens(RateLimits.Bucket bucket, Instant now) {
		return this.jdbc.queryForObject("select least(1, tokens + greatest(0, extract(epoch from (cast(? as "
				+ "timestamptz) - updated_at)))) from wf_rate_limit where name = ?", Double.class, Sql.time(now),
				bucket.name());
	}

	private UUID queuedExecution() {
		return TestRows.queuedExecution(this.jdbc, this.jobs);
	}

}

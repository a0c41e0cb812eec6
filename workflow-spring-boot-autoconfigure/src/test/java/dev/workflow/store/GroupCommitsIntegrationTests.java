package dev.workflow.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.workflow.test.TestApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Units of work that share a transaction when they arrive while another group commits, on the real database: each
 * unit writes a row with the id of the transaction it ran in.
 */
@DirtiesContext
@SpringBootTest(classes = TestApplication.class, properties = { "workflow.worker.enabled=false",
		"workflow.scheduler.enabled=false", "workflow.broker.exchange=wf-test-group",
		"workflow.broker.step-queue=wf-test-group.steps", "workflow.broker.parking-queue=wf-test-group.parked" })
class GroupCommitsIntegrationTests {

	private static final String TABLE = "wf_test_group_commit";

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	PlatformTransactionManager transactionManager;

	private GroupCommits commits;

	private final Map<String, Throwable> failures = new ConcurrentHashMap<>();

	@BeforeEach
	void createTable() {
		this.jdbc.execute("create table if not exists " + TABLE + " (name text primary key, txid bigint not null)");
		this.jdbc.execute("truncate " + TABLE);
		TransactionTemplate own = new TransactionTemplate(this.transactionManager);
		own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.commits = new GroupCommits(own, this.jdbc, 16);
	}

	@AfterEach
	void dropTable() {
		this.jdbc.execute("drop table if exists " + TABLE);
	}

	@Test
	void whenUnitsArriveWhileAGroupCommitsThenTheyShareTheNextTransactionAndCommitTogether() throws Exception {
		handInWhileTheFirstGroupIsOpen(List.of(() -> start("b", () -> write("b")), () -> start("c", () -> write("c")),
				() -> startStatement("d", () -> write("d"))),
				() -> assertThat(rows()).as("nothing commits while the first group is open").isEmpty());
		assertThat(this.failures).isEmpty();
		Map<String, Long> rows = rows();
		assertThat(rows).containsOnlyKeys("a", "b", "c", "d");
		assertThat(List.of(rows.get("c"), rows.get("d"))).as("the followers' transaction").containsOnly(rows.get("b"));
		assertThat(rows.get("b")).as("the followers' transaction").isNotEqualTo(rows.get("a"));
	}

	@Test
	void whenOneUnitOfAGroupFailsThenOnlyItFailsWithItsOwnErrorAndTheOthersCommit() throws Exception {
		handInWhileTheFirstGroupIsOpen(List.of(() -> start("b", () -> write("b")), () -> start("c", () -> {
			write("c");
			return this.jdbc.queryForObject("select 1 / 0", Integer.class);
		}), () -> start("d", () -> write("d"))), () -> {
		});
		assertThat(this.failures).containsOnlyKeys("c");
		assertThat(this.failures.get("c")).isInstanceOf(DataAccessException.class).hasMessageContaining("division by zero");
		assertThat(rows()).as("the failed unit's row is rolled back, the others' are committed")
			.containsOnlyKeys("a", "b", "d");
	}

	@Test
	void whenAUnitOfAGroupWaitsForALockThenTheOthersCommitWithoutItAndItCommitsOnceTheLockIsFree() throws Exception {
		this.jdbc.update("insert into " + TABLE + " (name, txid) values ('locked', 0)");
		CountDownLatch locked = new CountDownLatch(1);
		CountDownLatch unlock = new CountDownLatch(1);
		Thread holder = new Thread(() -> new TransactionTemplate(this.transactionManager).executeWithoutResult((status) -> {
			this.jdbc.queryForList("select name from " + TABLE + " where name = 'locked' for update");
			locked.countDown();
			try {
				unlock.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}), "lock-holder");
		holder.start();
		CountDownLatch release = new CountDownLatch(1);
		Thread first = null;
		List<Thread> followers = new ArrayList<>();
		try {
			assertThat(locked.await(30, TimeUnit.SECONDS)).as("the row is locked").isTrue();
			first = blockingFirstUnit(release);
			followers.add(start("b", () -> write("b")));
			followers.add(start("c", () -> this.jdbc
				.update("update " + TABLE + " set name = 'c', txid = txid_current() where name = 'locked'")));
			followers.add(start("d", () -> write("d")));
			awaitWaiting(followers);
			release.countDown();
			await().atMost(Duration.ofSeconds(30)).until(() -> rows().keySet().containsAll(List.of("a", "b", "d")));
			assertThat(rows()).as("the unit that waits for the lock waits alone").containsKey("locked")
				.doesNotContainKey("c");
			assertThat(followers.get(1).isAlive()).isTrue();
		}
		finally {
			release.countDown();
			unlock.countDown();
		}
		holder.join(TimeUnit.SECONDS.toMillis(30));
		join(first, followers);
		assertThat(this.failures).isEmpty();
		assertThat(rows()).containsOnlyKeys("a", "b", "c", "d");
	}

	@Test
	void whenTheCallerHasATransactionThenItsUnitCommitsAloneWithoutWaitingForAGroup() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		Thread first = blockingFirstUnit(release);
		try {
			Long outer = new TransactionTemplate(this.transactionManager).execute((status) -> {
				this.commits.execute(UUID.randomUUID(), () -> write("inside"));
				return this.jdbc.queryForObject("select txid_current()", Long.class);
			});
			assertThat(rows()).as("committed while the group was open, in a transaction of its own")
				.containsOnlyKeys("inside");
			assertThat(rows().get("inside")).isNotEqualTo(outer);
		}
		finally {
			release.countDown();
			first.join(TimeUnit.SECONDS.toMillis(30));
		}
		assertThat(this.failures).isEmpty();
	}

	/**
	 * Starts the unit of "a", which holds its group open, then the followers, which wait; checks what holds
	 * meanwhile, releases the first group and waits for every thread to end.
	 */
	private void handInWhileTheFirstGroupIsOpen(List<Supplier<Thread>> followers, Runnable meanwhile)
			throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		Thread first = blockingFirstUnit(release);
		List<Thread> started = new ArrayList<>();
		try {
			followers.forEach((follower) -> started.add(follower.get()));
			awaitWaiting(started);
			meanwhile.run();
		}
		finally {
			release.countDown();
		}
		join(first, started);
	}

	/**
	 * Starts the unit of "a", which holds its group open until released, and returns once it runs.
	 */
	private Thread blockingFirstUnit(CountDownLatch release) throws InterruptedException {
		CountDownLatch running = new CountDownLatch(1);
		Thread first = start("a", () -> {
			write("a");
			running.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return 1;
		});
		assertThat(running.await(30, TimeUnit.SECONDS)).as("the first unit runs").isTrue();
		return first;
	}

	private int write(String name) {
		return this.jdbc.update("insert into " + TABLE + " (name, txid) values (?, txid_current())", name);
	}

	private Thread start(String name, Supplier<?> work) {
		return thread(name, () -> this.commits.execute(UUID.randomUUID(), work));
	}

	private Thread startStatement(String name, Runnable statement) {
		return thread(name, () -> this.commits.executeStatement(UUID.randomUUID(), statement));
	}

	/** Starts a thread that hands in a unit, and records how the unit failed, if it did. */
	private Thread thread(String name, Runnable handIn) {
		Thread thread = new Thread(() -> {
			try {
				handIn.run();
			}
			catch (Throwable ex) {
				this.failures.put(name, ex);
			}
		}, "unit-" + name);
		thread.start();
		return thread;
	}

	private static void awaitWaiting(List<Thread> threads) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> threads.stream().allMatch((thread) -> thread.getState() == Thread.State.WAITING));
	}

	private static void join(Thread first, List<Thread> followers) throws InterruptedException {
		first.join(TimeUnit.SECONDS.toMillis(30));
		for (Thread follower : followers) {
			follower.join(TimeUnit.SECONDS.toMillis(30));
		}
		assertThat(first.isAlive()).isFalse();
		assertThat(followers).noneMatch(Thread::isAlive);
	}

	private Map<String, Long> rows() {
		Map<String, Long> rows = new ConcurrentHashMap<>();
		this.jdbc.query("select name, txid from " + TABLE, (row) -> {
			rows.put(row.getString(1), row.getLong(2));
		});
		return rows;
	}

}

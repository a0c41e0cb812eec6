package dev.workflow.benchmarks.dbscheduler;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import ch.qos.logback.classic.Level;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.jdbc.PostgreSqlJdbcCustomization;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.workflow.benchmarks.harness.BenchSystem;
import dev.workflow.benchmarks.harness.CountingDriver;
import dev.workflow.benchmarks.harness.Recorder;
import dev.workflow.benchmarks.harness.Scenario;
import dev.workflow.benchmarks.harness.Servers;

import org.slf4j.LoggerFactory;

/**
 * db-scheduler, as a user runs it without a framework: one {@link Scheduler} in this JVM that both schedules the jobs
 * and runs them, on its one table in PostgreSQL. A job is a one-time task scheduled to run now, with the job's key as
 * task instance; db-scheduler inserts its row when it is scheduled, picks it when it polls and deletes it when the
 * task has run. The one-step scenario (a) only: db-scheduler has no workflows, and a chain of tasks, as JobRunr's in
 * (b), would say nothing more about it.
 * <p>
 * Settings that differ from the defaults, those its README gives for high throughput:
 * <ul>
 * <li>the {@code lock-and-fetch} polling strategy ({@code pollUsingLockAndFetch(1.0, 4.0)}): one
 * {@code update ... where ... in (select ... for update skip locked) returning} statement picks up to four executions
 * per thread, where the default strategy selects executions and then picks each with an update of its own; a new
 * fetch starts when no more than one execution per thread is left. The single-statement form, which the PostgreSQL
 * customization uses unless told otherwise;</li>
 * <li>a polling interval of {@value #POLLING_MILLIS} ms instead of 10 s, as DBOS's here, and immediate execution, with
 * which a task scheduled to run now wakes the poller at once;</li>
 * <li>{@value #THREADS} threads, as many as our engine's consumers (the default is 10), and a HikariCP pool through
 * {@link CountingDriver} with a connection for each and {@value #EXTRA_CONNECTIONS} more, for the submitters and the
 * poller;</li>
 * <li>its table created by this class as db-scheduler's PostgreSQL schema gives it, dropped before every run; at most
 * 2 s for running tasks to end when the scheduler stops; logging at WARN.</li>
 * </ul>
 * The system properties {@code bench.dbscheduler.polling-millis} and {@code bench.dbscheduler.threads} set other
 * values.
 */
public class DbSchedulerSystem implements BenchSystem {

	static final int POLLING_MILLIS = 10;

	static final int THREADS = 8;

	/** Connections beyond one per thread: for the submitters and the poller. */
	static final int EXTRA_CONNECTIONS = 4;

	private static final OneTimeTask<Void> STEP = Tasks.oneTime("bench-step").execute((instance, context) -> {
		String key = instance.getId();
		Recorder.stepStarted(key);
		Recorder.stepEnded(key);
		Recorder.jobFinished(key);
	});

	/** db-scheduler's table for PostgreSQL, as its {@code postgresql_tables.sql} defines it. */
	private static final String[] SCHEMA = { "drop table if exists scheduled_tasks", """
			create table scheduled_tasks (
				task_name text not null,
				task_instance text not null,
				task_data bytea,
				execution_time timestamp with time zone not null,
				picked boolean not null,
				picked_by text,
				last_success timestamp with time zone,
				last_failure timestamp with time zone,
				consecutive_failures int,
				last_heartbeat timestamp with time zone,
				version bigint not null,
				priority smallint,
				primary key (task_name, task_instance)
			)""", "create index execution_time_idx on scheduled_tasks (execution_time)",
			"create index last_heartbeat_idx on scheduled_tasks (last_heartbeat)",
			"create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc)" };

	private HikariDataSource dataSource;

	private Scheduler scheduler;

	@Override
	public String name() {
		return "db-scheduler";
	}

	@Override
	public Set<Scenario> scenarios() {
		return EnumSet.of(Scenario.ONE_STEP);
	}

	@Override
	public void open(Scenario scenario, Servers servers) throws Exception {
		quietLogging();
		int threads = Integer.getInteger("bench.dbscheduler.threads", THREADS);
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(servers.countingJdbcUrl());
		config.setDriverClassName(CountingDriver.class.getName());
		config.setUsername(servers.dbUser());
		config.setPassword(servers.dbPassword());
		config.setMaximumPoolSize(threads + EXTRA_CONNECTIONS);
		config.setPoolName("db-scheduler");
		this.dataSource = new HikariDataSource(config);
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			for (String sql : SCHEMA) {
				statement.execute(sql);
			}
		}
		this.scheduler = Scheduler.create(this.dataSource, STEP)
			.jdbcCustomization(new PostgreSqlJdbcCustomization(false, false))
			.pollUsingLockAndFetch(1.0, 4.0)
			.pollingInterval(Duration.ofMillis(Integer.getInteger("bench.dbscheduler.polling-millis", POLLING_MILLIS)))
			.enableImmediateExecution()
			.threads(threads)
			.shutdownMaxWait(Duration.ofSeconds(2))
			.build();
		this.scheduler.start();
	}

	@Override
	public void submit(String key) {
		this.scheduler.schedule(STEP.instance(key), Instant.now());
	}

	@Override
	public void close() {
		try {
			if (this.scheduler != null) {
				this.scheduler.stop();
			}
		}
		finally {
			if (this.dataSource != null) {
				this.dataSource.close();
			}
		}
	}

	/** Logback without a configuration logs everything at DEBUG, db-scheduler a few lines per poll. */
	private static void quietLogging() {
		if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
			root.setLevel(Level.WARN);
		}
	}

}

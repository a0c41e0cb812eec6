package dev.workflow.benchmarks.jobrunr;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.workflow.benchmarks.harness.BenchSystem;
import dev.workflow.benchmarks.harness.CountingDriver;
import dev.workflow.benchmarks.harness.Scenario;
import dev.workflow.benchmarks.harness.Servers;

import org.jobrunr.configuration.JobRunr;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.StorageProviderUtils.DatabaseOptions;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.jackson3.Jackson3JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JobRunr (open source), as a user runs it without a framework: one {@code BackgroundJobServer} in this JVM that both
 * enqueues jobs and runs them, on its PostgreSQL storage provider. A step is a JobRunr job
 * ({@link JobRunrSteps#step}); the pipeline's steps are chained by each job enqueuing the next one before it ends, the
 * last reporting the job finished (chaining with {@code continueWith} is a JobRunr Pro feature). The one-step and
 * pipeline scenarios only: the open-source API has no workflows written as code and no fan-out with a join.
 * <p>
 * Per step, JobRunr inserts the job's row when it is enqueued, updates it to processing when a server fetches it (a
 * {@code select ... for update skip locked} shared by the jobs fetched together) and updates it to succeeded, each in
 * a transaction of its own. A server fetches new work every poll interval and, between polls, whenever one of its jobs
 * ends; a job enqueued while the server is idle waits for the next poll.
 * <p>
 * Settings that differ from the defaults:
 * <ul>
 * <li>a poll interval of {@value #POLL_INTERVAL_SECONDS} s, the least JobRunr accepts with a database (the default is
 * 15 s; only its in-memory storage accepts less). Latency when the load leaves the server idle now and then is bounded
 * below by it;</li>
 * <li>{@value #WORKERS} workers, as many as our engine's consumers: jobs that do no work of their own keep a worker busy
 * only for JobRunr's own round trips to the database, and the default, eight per core, would only add threads
 * contending for two cores. The system property {@code bench.jobrunr.workers} sets another count;</li>
 * <li>a HikariCP pool through {@link CountingDriver} with a connection for each worker and
 * {@value #EXTRA_CONNECTIONS} more, for the submitters and JobRunr's own periodic tasks;</li>
 * <li>JobRunr's Jackson 3 JSON mapper, and its own creation of its tables, which are dropped before every run so that
 * each starts alike. No dashboard, no JMX, no metrics; carbon-aware scheduling, the only part of JobRunr that would
 * call out over the network, is off by default. At most 2 s for running jobs to end when the server stops;</li>
 * <li>logging at INFO (without a configuration, Logback logs everything at DEBUG, JobRunr a few lines per job).</li>
 * </ul>
 */
public class JobRunrSystem implements BenchSystem {

	static final int POLL_INTERVAL_SECONDS = 5;

	static final int WORKERS = 8;

	/** Connections beyond one per worker: for the submitters and JobRunr's own periodic tasks. */
	static final int EXTRA_CONNECTIONS = 8;

	private static final Logger logger = LoggerFactory.getLogger(JobRunrSystem.class);

	private int steps;

	private HikariDataSource dataSource;

	private JobScheduler scheduler;

	@Override
	public String name() {
		return "jobrunr";
	}

	@Override
	public Set<Scenario> scenarios() {
		return EnumSet.of(Scenario.ONE_STEP, Scenario.PIPELINE);
	}

	@Override
	public void open(Scenario scenario, Servers servers) throws Exception {
		quietLogging();
		this.steps = scenario.stepsPerJob();
		int workers = Integer.getInteger("bench.jobrunr.workers", WORKERS);
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(servers.countingJdbcUrl());
		config.setDriverClassName(CountingDriver.class.getName());
		config.setUsername(servers.dbUser());
		config.setPassword(servers.dbPassword());
		config.setMaximumPoolSize(workers + EXTRA_CONNECTIONS);
		config.setPoolName("jobrunr");
		this.dataSource = new HikariDataSource(config);
		dropTables(this.dataSource);
		BackgroundJobServerConfiguration server = BackgroundJobServerConfiguration
			.usingStandardBackgroundJobServerConfiguration()
			.andPollInterval(Duration.ofSeconds(POLL_INTERVAL_SECONDS))
			.andWorkerCount(workers)
			.andInterruptJobsAwaitDurationOnStopBackgroundJobServer(Duration.ofSeconds(2));
		this.scheduler = JobRunr.configure()
			.useJsonMapper(new Jackson3JsonMapper())
			.useStorageProvider(new PostgresStorageProvider(this.dataSource, DatabaseOptions.CREATE))
			.useBackgroundJobServer(server)
			.initialize()
			.getJobScheduler();
		logger.info("JobRunr: poll interval {} s, {} workers, pool of {}", POLL_INTERVAL_SECONDS, workers,
				workers + EXTRA_CONNECTIONS);
	}

	@Override
	public void submit(String key) {
		int steps = this.steps; // a local, so that the job's lambda does not capture this
		this.scheduler.enqueue(() -> JobRunrSteps.step(key, 1, steps));
	}

	@Override
	public void close() {
		try {
			if (this.scheduler != null) {
				JobRunr.destroy();
			}
		}
		finally {
			if (this.dataSource != null) {
				this.dataSource.close();
			}
		}
	}

	/** Drops JobRunr's tables and view, which it then creates anew. */
	private static void dropTables(HikariDataSource dataSource) throws Exception {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("drop view if exists jobrunr_jobs_stats");
			statement.execute("drop table if exists jobrunr_jobs, jobrunr_recurring_jobs, "
					+ "jobrunr_backgroundjobservers, jobrunr_metadata, jobrunr_job_counters, jobrunr_migrations cascade");
		}
	}

	/** Logback without a configuration logs everything at DEBUG, and JobRunr then logs a few lines per job. */
	private static void quietLogging() {
		if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
			context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
		}
	}

}

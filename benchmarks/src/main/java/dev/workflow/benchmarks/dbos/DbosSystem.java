package dev.workflow.benchmarks.dbos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dbos.transact.DBOS;
import dev.dbos.transact.StartWorkflowOptions;
import dev.dbos.transact.config.DBOSConfig;
import dev.dbos.transact.workflow.Queue;
import dev.workflow.benchmarks.harness.BenchSystem;
import dev.workflow.benchmarks.harness.CountingDriver;
import dev.workflow.benchmarks.harness.Scenario;
import dev.workflow.benchmarks.harness.Servers;
import org.slf4j.LoggerFactory;

/**
 * DBOS Transact for Java, as a user runs it: one {@link DBOS} instance that both enqueues the workflows and runs
 * them. {@link #submit} enqueues a workflow on the queue {@value #QUEUE}, which this instance consumes, with the
 * job's key as workflow id: DBOS inserts the workflow's row and returns. Each step is a {@link DBOS#runStep}, whose
 * result DBOS records before the workflow goes on. The pipeline (b) and the orchestrated workflow (c) are the same
 * ten-step function: DBOS workflows are code.
 * <p>
 * The system database is a database of its own on the same server, named after the benchmark's with the suffix
 * {@value #DATABASE_SUFFIX} (so that benchmarks on two databases of one server do not share it), dropped and created
 * again for every run and migrated by DBOS, which keeps its tables apart from the application's the same way. DBOS
 * reaches it through a pool of ours over {@link Servers#countingJdbcUrl()}, so every statement it sends is counted,
 * its polls included.
 * <p>
 * One setting differs from the defaults: the queue is polled every {@value #POLLING_MILLIS} ms instead of every
 * second. DBOS starts queued workflows only when it polls (its LISTEN/NOTIFY serves messages and events, not
 * queues), so half the interval is added to every job's latency; an idle poll costs two statements, so a hundred a
 * second are cheap next to the work, where a shorter interval would buy little latency for many more statements.
 * The rest are DBOS's defaults, which are also the fastest here: no worker concurrency limit, so that every poll
 * starts all the workflows waiting, the executor (virtual threads on Java 21, fifty threads per core before) and the
 * connection pool bounding the work in flight, where a limit would only leave slots idle until the next poll; and a
 * pool of {@value #POOL_SIZE} connections, one of them held by DBOS's LISTEN, as PostgreSQL on two cores gains
 * nothing from more. They can be changed with the system properties {@code bench.dbos.polling-millis},
 * {@code bench.dbos.worker-concurrency} (0 for none) and {@code bench.dbos.pool-size}.
 */
public class DbosSystem implements BenchSystem {

	static final String DATABASE_SUFFIX = "_dbos_sys";

	static final String QUEUE = "bench";

	static final int POLLING_MILLIS = 10;

	static final int WORKER_CONCURRENCY = 0;

	static final int POOL_SIZE = 10;

	private HikariDataSource dataSource;

	private DBOS dbos;

	private DbosWorkflows workflows;

	private StartWorkflowOptions options;

	private boolean oneStep;

	@Override
	public String name() {
		return "dbos";
	}

	@Override
	public Set<Scenario> scenarios() {
		return EnumSet.of(Scenario.ONE_STEP, Scenario.PIPELINE, Scenario.ORCHESTRATED);
	}

	@Override
	public void open(Scenario scenario, Servers servers) throws Exception {
		this.oneStep = (scenario == Scenario.ONE_STEP);
		quietLogging();
		recreateDatabase(servers);
		HikariConfig pool = new HikariConfig();
		pool.setJdbcUrl(withDatabase(servers.countingJdbcUrl(), systemDatabase(servers)));
		pool.setDriverClassName(CountingDriver.class.getName());
		pool.setUsername(servers.dbUser());
		pool.setPassword(servers.dbPassword());
		pool.setMaximumPoolSize(Integer.getInteger("bench.dbos.pool-size", POOL_SIZE));
		pool.addDataSourceProperty("reWriteBatchedInserts", "true");
		this.dataSource = new HikariDataSource(pool);
		this.dbos = new DBOS(DBOSConfig.defaults("bench").withDataSource(this.dataSource));
		Queue queue = new Queue(QUEUE).withPollingInterval(
				Duration.ofMillis(Integer.getInteger("bench.dbos.polling-millis", POLLING_MILLIS)));
		int workerConcurrency = Integer.getInteger("bench.dbos.worker-concurrency", WORKER_CONCURRENCY);
		if (workerConcurrency > 0) {
			queue = queue.withWorkerConcurrency(workerConcurrency);
		}
		this.dbos.registerQueue(queue);
		this.workflows = this.dbos.registerProxy(DbosWorkflows.class, new DbosWorkflows.Impl(this.dbos));
		this.options = new StartWorkflowOptions(queue);
		this.dbos.launch();
	}

	@Override
	public void submit(String key) {
		StartWorkflowOptions options = this.options.withWorkflowId(key);
		if (this.oneStep) {
			this.dbos.startWorkflow(() -> this.workflows.oneStep(key), options);
		}
		else {
			this.dbos.startWorkflow(() -> this.workflows.tenSteps(key), options);
		}
	}

	@Override
	public void close() {
		if (this.dbos != null) {
			this.dbos.shutdown();
		}
		if (this.dataSource != null) {
			this.dataSource.close();
		}
	}

	/** Drops the system database of the last run and creates an empty one, for DBOS to migrate. */
	private static void recreateDatabase(Servers servers) throws Exception {
		try (Connection connection = DriverManager.getConnection(servers.jdbcUrl(), servers.dbUser(),
				servers.dbPassword()); Statement statement = connection.createStatement()) {
			statement.execute("drop database if exists " + systemDatabase(servers) + " with (force)");
			statement.execute("create database " + systemDatabase(servers));
		}
	}

	/** The name of DBOS's system database: the benchmark's database's, with a suffix. */
	private static String systemDatabase(Servers servers) {
		String url = servers.jdbcUrl();
		int query = url.indexOf('?');
		String base = (query >= 0) ? url.substring(0, query) : url;
		return base.substring(base.lastIndexOf('/') + 1) + DATABASE_SUFFIX;
	}

	/** The same URL with another database. */
	private static String withDatabase(String url, String database) {
		int query = url.indexOf('?');
		String base = (query >= 0) ? url.substring(0, query) : url;
		String parameters = (query >= 0) ? url.substring(query) : "";
		return base.substring(0, base.lastIndexOf('/') + 1) + database + parameters;
	}

	/** Without a configuration of its own, Logback would log everything DBOS does, at debug level. */
	private static void quietLogging() {
		if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
			root.setLevel(Level.WARN);
		}
	}

}

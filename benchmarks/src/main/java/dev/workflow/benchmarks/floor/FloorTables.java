package dev.workflow.benchmarks.floor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.workflow.benchmarks.harness.Servers;

/**
 * What both floors do in PostgreSQL: a row per job, inserted when the job is submitted, and per step one committed
 * transaction that inserts the step's row and counts the step on the job's row. The tables are created anew for every
 * run, and reached through {@link Servers#countingJdbcUrl()}, so that every statement and commit is counted.
 */
final class FloorTables implements AutoCloseable {

	private static final String INSERT_JOB = "insert into bench_floor_job (key, steps) values (?, 0)";

	private static final String INSERT_STEP = "insert into bench_floor_step (key, step) values (?, ?)";

	private static final String COUNT_STEP = "update bench_floor_job set steps = steps + 1 where key = ? "
			+ "returning steps";

	private final HikariDataSource dataSource;

	/**
	 * Opens a pool and creates the tables, dropping those of an earlier run.
	 * @param servers the servers to use
	 * @param poolSize the most connections
	 * @throws SQLException if the tables cannot be created
	 */
	FloorTables(Servers servers, int poolSize) throws SQLException {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(servers.countingJdbcUrl());
		config.setUsername(servers.dbUser());
		config.setPassword(servers.dbPassword());
		config.setMaximumPoolSize(poolSize);
		config.setAutoCommit(false);
		this.dataSource = new HikariDataSource(config);
		try (Connection db = this.dataSource.getConnection(); Statement statement = db.createStatement()) {
			statement.execute("drop table if exists bench_floor_step, bench_floor_job");
			statement.execute("create table bench_floor_job (key text primary key, steps int not null)");
			statement.execute("create table bench_floor_step (id bigserial primary key, key text not null, "
					+ "step int not null, at timestamptz not null default now())");
			db.commit();
		}
	}

	/**
	 * Inserts a job's row, with no step done, in a transaction of its own.
	 * @param key the job's key
	 * @throws SQLException if the row cannot be inserted
	 */
	void insertJob(String key) throws SQLException {
		try (Connection db = this.dataSource.getConnection();
				PreparedStatement insert = db.prepareStatement(INSERT_JOB)) {
			insert.setString(1, key);
			insert.executeUpdate();
			db.commit();
		}
	}

	/**
	 * Records a step: inserts its row and counts it on the job's row, in one transaction.
	 * @param key the job's key
	 * @param step the step, from 1, or -1 for a step of a fan-out
	 * @return the job's steps done, this one included
	 * @throws SQLException if the transaction fails; it is then rolled back
	 */
	int recordStep(String key, int step) throws SQLException {
		try (Connection db = this.dataSource.getConnection()) {
			try (PreparedStatement insert = db.prepareStatement(INSERT_STEP);
					PreparedStatement update = db.prepareStatement(COUNT_STEP)) {
				insert.setString(1, key);
				insert.setInt(2, step);
				insert.executeUpdate();
				update.setString(1, key);
				try (ResultSet rows = update.executeQuery()) {
					rows.next();
					int done = rows.getInt(1);
					db.commit();
					return done;
				}
			}
			catch (SQLException ex) {
				db.rollback();
				throw ex;
			}
		}
	}

	@Override
	public void close() {
		this.dataSource.close();
	}

}

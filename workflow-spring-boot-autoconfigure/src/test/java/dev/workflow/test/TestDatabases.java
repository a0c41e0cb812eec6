package dev.workflow.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.workflow.devservers.DatabaseServer;
import dev.workflow.devservers.DevServers;

/**
 * Fresh databases on the tests' PostgreSQL server, for tests that must see an empty database.
 */
public final class TestDatabases {

	/** The databases this JVM created, dropped when it exits so that they do not pile up on a long-lived server. */
	private static final List<String> created = new CopyOnWriteArrayList<>();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(TestDatabases::dropCreated, "drop-test-databases"));
	}

	private TestDatabases() {
	}

	/**
	 * Creates an empty database on the same server and returns its JDBC URL.
	 * @return the JDBC URL of the new database
	 */
	public static String createEmptyDatabase() {
		DatabaseServer server = DevServers.database();
		String name = "wf_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
				Statement statement = connection.createStatement()) {
			statement.execute("create database " + name);
			created.add(name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create test database " + name + " on " + server, ex);
		}
		return server.jdbcUrl().replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
	}

	private static void dropCreated() {
		if (created.isEmpty()) {
			return;
		}
		DatabaseServer server = DevServers.database();
		try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
				Statement statement = connection.createStatement()) {
			for (String name : created) {
				statement.execute("drop database if exists " + name + " with (force)");
			}
		}
		catch (SQLException ex) {
			// The server may be gone already (embedded, stopped with this JVM): nothing is left to tidy.
		}
	}

}

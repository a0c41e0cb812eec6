package dev.workflow.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

import javax.sql.DataSource;

import dev.workflow.api.WorkflowConfigurationException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Creates and upgrades the engine's tables with Flyway when the application context starts.
 * <p>
 * The engine keeps its own schema history table, so its migrations never mix with an application's own Flyway
 * migrations in the same schema: each side sees only its own versions. Because the schema may already hold the
 * application's tables, the first run baselines at version 0 and then applies all of the engine's migrations.
 */
public class WorkflowSchemaMigration implements InitializingBean {

	/** Where the engine's migrations live on the class path. */
	public static final String LOCATION = "classpath:dev/workflow/store/migration";

	private static final Log logger = LogFactory.getLog(WorkflowSchemaMigration.class);

	private final DataSource dataSource;

	private final String historyTable;

	public WorkflowSchemaMigration(DataSource dataSource, String historyTable) {
		this.dataSource = dataSource;
		this.historyTable = historyTable;
	}

	@Override
	public void afterPropertiesSet() {
		requirePostgreSql();
		MigrateResult result = flyway(this.dataSource, this.historyTable).migrate();
		if (result.migrationsExecuted > 0) {
			logger.info("Workflow schema migrated to version " + result.targetSchemaVersion + " ("
					+ result.migrationsExecuted + " migrations, history in " + this.historyTable + ")");
		}
	}

	/**
	 * Reads the version of the engine's schema from its history table.
	 * @param dataSource the data source of the engine's tables
	 * @param historyTable the history table ({@code workflow.store.schema-history-table})
	 * @return the version, such as {@code 26}, or {@code null} if no migration has run
	 */
	public static @Nullable String currentVersion(DataSource dataSource, String historyTable) {
		MigrationInfo current = flyway(dataSource, historyTable).info().current();
		return (current != null && current.getVersion() != null) ? current.getVersion().getVersion() : null;
	}

	private static Flyway flyway(DataSource dataSource, String historyTable) {
		return Flyway.configure(WorkflowSchemaMigration.class.getClassLoader())
			.dataSource(dataSource)
			.locations(LOCATION)
			.table(historyTable)
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.load();
	}

	/**
	 * Refuses a database other than PostgreSQL before the migration meets it: its statements (JSONB, partial indexes,
	 * {@code for update skip locked}) are PostgreSQL's.
	 */
	private void requirePostgreSql() {
		String product;
		String url;
		try (Connection connection = this.dataSource.getConnection()) {
			DatabaseMetaData metaData = connection.getMetaData();
			product = metaData.getDatabaseProductName() + " " + metaData.getDatabaseProductVersion();
			url = metaData.getURL();
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Could not connect to the database of the workflow engine",
					ex);
		}
		if (!product.startsWith("PostgreSQL")) {
			throw new WorkflowConfigurationException("The workflow engine keeps its jobs in PostgreSQL, but the "
					+ "application's data source is " + product + " (" + url + ").",
					"Point spring.datasource.url at a PostgreSQL database. For tests and local "
							+ "runs, add workflow-dev-servers, which starts one, or use a Testcontainers "
							+ "PostgreSQLContainer with @ServiceConnection.",
					null);
		}
	}

}

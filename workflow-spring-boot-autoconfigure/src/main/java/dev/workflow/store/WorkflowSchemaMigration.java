package dev.workflow.store;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import org.springframework.beans.factory.InitializingBean;

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
		MigrateResult result = Flyway.configure(getClass().getClassLoader())
			.dataSource(this.dataSource)
			.locations(LOCATION)
			.table(this.historyTable)
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.load()
			.migrate();
		if (result.migrationsExecuted > 0) {
			logger.info("Workflow schema migrated to version " + result.targetSchemaVersion + " ("
					+ result.migrationsExecuted + " migrations, history in " + this.historyTable + ")");
		}
	}

}

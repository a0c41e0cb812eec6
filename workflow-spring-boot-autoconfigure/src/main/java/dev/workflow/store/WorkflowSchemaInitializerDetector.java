package dev.workflow.store;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;
import org.springframework.boot.sql.init.dependency.DatabaseInitializerDetector;

/**
 * Tells Spring Boot that {@link WorkflowSchemaMigration} initialises the database, so that beans that depend on
 * database initialisation (the JPA entity manager factory among them) are created after the engine's tables exist.
 * <p>
 * Its order puts the engine's migrations after an application's own Flyway migrations (whose detector has order 1):
 * Flyway refuses to migrate a schema that holds tables but no history of its own, so on an empty database the
 * application's migrations must go first; the engine's own baseline lets it start on a schema with tables.
 */
public class WorkflowSchemaInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector
		implements DatabaseInitializerDetector {

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return Set.of(WorkflowSchemaMigration.class);
	}

	@Override
	public int getOrder() {
		return 2;
	}

}

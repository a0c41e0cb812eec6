/**
 * Persistence of jobs and step executions in PostgreSQL through JPA, and the Flyway migrations of the
 * engine's own tables, kept apart from an application's migrations by their own schema history table.
 */
@NullMarked
package dev.workflow.store;

import org.jspecify.annotations.NullMarked;

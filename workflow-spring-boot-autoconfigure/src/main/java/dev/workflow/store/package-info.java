/**
 * Persistence of jobs, step executions, outbox rows, events and definition versions in PostgreSQL: one repository per
 * table (Spring Data JPA for the general path, plain SQL constants for the hot path), the retention's queries, and
 * the Flyway migrations of the engine's own tables, kept apart from an application's migrations by their own schema
 * history table.
 */
@NullMarked
package dev.workflow.store;

import org.jspecify.annotations.NullMarked;

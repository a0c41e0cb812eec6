/**
 * Spring Boot auto-configuration of the engine, its {@code workflow.*} properties, and the
 * diagnostics that turn start-up failures into messages a user can act on.
 */
@NullMarked
package dev.workflow.autoconfigure;

import org.jspecify.annotations.NullMarked;

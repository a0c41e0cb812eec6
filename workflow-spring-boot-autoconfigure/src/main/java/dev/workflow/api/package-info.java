/**
 * What applications call and see: the workflow client, job handles, statuses, outcomes and exceptions.
 * Depends on nothing else of the engine.
 */
@NullMarked
package dev.workflow.api;

import org.jspecify.annotations.NullMarked;

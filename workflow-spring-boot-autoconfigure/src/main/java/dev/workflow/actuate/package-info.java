/**
 * Operations: the engine's health indicator and its backlog gauges, read from the database at most every few seconds
 * and never on a step's path.
 */
@NullMarked
package dev.workflow.actuate;

import org.jspecify.annotations.NullMarked;

/**
 * Observations of the engine through the Micrometer Observation API: their names, contexts and default conventions.
 * Metrics and traces come from whatever handlers the application's {@code ObservationRegistry} has.
 */
@NullMarked
package dev.workflow.observation;

import org.jspecify.annotations.NullMarked;

/**
 * Hints for ahead-of-time processing and native images: the resources and types the engine reads by reflection,
 * its own and those of the application's workflows and steps.
 */
@NullMarked
package dev.workflow.aot;

import org.jspecify.annotations.NullMarked;

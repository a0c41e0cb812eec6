/**
 * The annotations that make Spring beans workflows and steps, and that mark what a step method receives.
 * They depend on nothing else of the engine.
 */
@NullMarked
package dev.workflow.annotation;

import org.jspecify.annotations.NullMarked;

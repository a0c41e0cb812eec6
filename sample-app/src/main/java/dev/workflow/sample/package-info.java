/**
 * A runnable application that shows the workflow starter at work.
 */
@NullMarked
package dev.workflow.sample;

import org.jspecify.annotations.NullMarked;

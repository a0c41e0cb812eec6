/**
 * A runnable application that shows the workflow starter at work: Ergate's first workflow and PyWorkflow's step
 * context example, started when the application is ready.
 */
@NullMarked
package dev.workflow.sample;

import org.jspecify.annotations.NullMarked;

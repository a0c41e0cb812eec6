/**
 * Sample workflows.
 */
@NullMarked
package dev.workflow.sample.reports;

import org.jspecify.annotations.NullMarked;

/**
 * Sample workflows.
 */
@NullMarked
package dev.workflow.sample.ergate;

import org.jspecify.annotations.NullMarked;

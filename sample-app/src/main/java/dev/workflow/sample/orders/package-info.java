/**
 * Sample workflows.
 */
@NullMarked
package dev.workflow.sample.orders;

import org.jspecify.annotations.NullMarked;

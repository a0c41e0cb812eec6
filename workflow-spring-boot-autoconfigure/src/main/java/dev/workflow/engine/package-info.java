/**
 * The engine: starting jobs, running steps with their arguments resolved, and deciding after each step what the job
 * does next. Talks to the database through the store and to the broker through the transport.
 */
@NullMarked
package dev.workflow.engine;

import org.jspecify.annotations.NullMarked;

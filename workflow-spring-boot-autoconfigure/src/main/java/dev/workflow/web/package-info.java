/**
 * The REST API and the dashboard: what operators use to see, find and act on jobs over HTTP.
 */
@NullMarked
package dev.workflow.web;

import org.jspecify.annotations.NullMarked;

package dev.workflow.engine;

import tools.jackson.databind.JsonNode;

/**
 * Unwinds a workflow method at its first step call without a recorded result. An {@link Error}, so that the
 * workflow's own {@code catch (Exception ...)} blocks let it through; it carries no stack trace.
 */
final class WorkflowSuspended extends Error {

	private static final long serialVersionUID = 1L;

	private final String step;

	private final transient JsonNode input;

	WorkflowSuspended(String step, JsonNode input) {
		super("suspended at step '" + step + "'", null, false, false);
		this.step = step;
		this.input = input;
	}

	String step() {
		return this.step;
	}

	JsonNode input() {
		return this.input;
	}

}

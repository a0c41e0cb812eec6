package dev.workflow.engine;

import java.util.List;

/**
 * Unwinds a workflow method where it must wait: for steps it dispatches now, or for steps and timers dispatched
 * before that have not completed. An {@link Error}, so that the workflow's own {@code catch (Exception ...)} blocks
 * let it through; it carries no stack trace.
 */
final class WorkflowSuspended extends Error {

	private static final long serialVersionUID = 1L;

	private final transient List<Decision.Dispatch> dispatches;

	WorkflowSuspended(List<Decision.Dispatch> dispatches) {
		super("suspended", null, false, false);
		this.dispatches = List.copyOf(dispatches);
	}

	List<Decision.Dispatch> dispatches() {
		return this.dispatches;
	}

}

package dev.workflow.registry;

import dev.workflow.api.WorkflowDefinitionException;

/**
 * How many jobs of a workflow may run at once: in all, and per concurrency key.
 *
 * @param concurrency at most how many jobs of the workflow run at once, {@code 0} for no limit
 * @param keyConcurrency at most how many jobs with the same concurrency key run at once
 */
public record FlowLimits(int concurrency, int keyConcurrency) {

	/** No limit in all, one job at a time per key. */
	public static final FlowLimits NONE = new FlowLimits(0, 1);

	/**
	 * Checks the limits of a workflow.
	 * @param concurrency the limit in all, {@code 0} for none
	 * @param keyConcurrency the limit per key
	 * @param where the workflow, for the error
	 * @return the limits
	 * @throws WorkflowDefinitionException if a limit is out of range
	 */
	static FlowLimits of(int concurrency, int keyConcurrency, String where) {
		if (concurrency < 0) {
			throw new WorkflowDefinitionException("@Workflow(concurrency = " + concurrency + ") of " + where
					+ " is negative: give at most how many of its jobs run at once (1 or more), or 0 for no limit");
		}
		if (keyConcurrency < 1) {
			throw new WorkflowDefinitionException("@Workflow(keyConcurrency = " + keyConcurrency + ") of " + where
					+ " must be 1 or more: at most how many of its jobs with the same concurrency key run at once");
		}
		return new FlowLimits(concurrency, keyConcurrency);
	}

	/**
	 * Whether every job of the workflow waits for a place: the workflow has a limit in all.
	 * @return {@code true} if it has one
	 */
	public boolean limited() {
		return this.concurrency > 0;
	}

}

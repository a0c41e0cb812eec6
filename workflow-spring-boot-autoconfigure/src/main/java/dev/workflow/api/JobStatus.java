package dev.workflow.api;

/**
 * Where a job is in its life.
 */
public enum JobStatus {

	/**
	 * Started and waiting for a place under its workflow's concurrency limits ({@code @Workflow(concurrency,
	 * keyConcurrency)}), or for its debounce window to pass ({@link StartOptions#debounce}); also a retried job of a
	 * workflow with limits. It holds no memory anywhere and becomes QUEUED when it may go.
	 */
	WAITING,

	/** Started and waiting for its first step to run. */
	QUEUED,

	/** At least one step has started. */
	RUNNING,

	/** Ended with a result. */
	COMPLETED,

	/** Ended because a step failed for good. */
	FAILED,

	/** Ended by a step or the workflow, with a reason. */
	ABORTED,

	/** Ended by a client's request. */
	CANCELLED,

	/**
	 * Ended because it ran past its deadline ({@code @Workflow(timeout)}, {@link StartOptions#timeout}): the result of
	 * a step still running is discarded, and its children end with it.
	 */
	TIMED_OUT;

	/**
	 * Whether a job in this status has ended and will never change again.
	 * @return {@code true} for COMPLETED, FAILED, ABORTED, CANCELLED and TIMED_OUT
	 */
	public boolean isFinal() {
		return this != WAITING && this != QUEUED && this != RUNNING;
	}

}

package dev.workflow.store;

/**
 * Where a step execution is in its life.
 */
public enum StepStatus {

	/** Its message is on its way to a worker. */
	QUEUED,

	/** A worker runs it. */
	RUNNING,

	/** It returned and its result is stored. */
	COMPLETED,

	/** It threw, or its result could not be used. */
	FAILED,

	/** Its job was cancelled before it completed. */
	CANCELLED

}

package dev.workflow.api;

/**
 * Where a step execution is in its life.
 */
public enum StepStatus {

	/** A retry waiting in the database for its due time. */
	SCHEDULED,

	/** Its message is on its way to a worker. */
	QUEUED,

	/** A worker runs it. */
	RUNNING,

	/** It returned and its result is stored. */
	COMPLETED,

	/** It threw, or its result could not be used. */
	FAILED,

	/** It ran longer than its timeout and was interrupted. */
	TIMED_OUT,

	/** Its job was cancelled before it completed. */
	CANCELLED

}

package dev.workflow.api;

import org.jspecify.annotations.Nullable;

/**
 * A job that a caller waited for ended without a result: FAILED, ABORTED or CANCELLED.
 */
public class JobFailedException extends WorkflowException {

	private static final long serialVersionUID = 1L;

	private final transient Job job;

	public JobFailedException(Job job) {
		super("Job " + job.id() + " of workflow '" + job.workflow() + "' ended " + job.status()
				+ ((job.currentStep() != null) ? " at step '" + job.currentStep() + "'" : "")
				+ ((job.error() != null) ? ": " + job.error().type() + ": " + job.error().message() : ""));
		this.job = job;
	}

	/**
	 * Returns the job as it ended.
	 * @return the job
	 */
	public Job job() {
		return this.job;
	}

	/**
	 * Returns why it ended.
	 * @return the error, if one was recorded
	 */
	public @Nullable JobError error() {
		return this.job.error();
	}

}

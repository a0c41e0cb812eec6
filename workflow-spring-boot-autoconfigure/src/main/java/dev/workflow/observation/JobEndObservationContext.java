package dev.workflow.observation;

import java.util.UUID;

import dev.workflow.api.JobStatus;
import io.micrometer.observation.Observation;

/**
 * The context of {@link WorkflowObservation#JOB_END}.
 */
public class JobEndObservationContext extends Observation.Context {

	private final UUID jobId;

	private final String workflow;

	private final JobStatus status;

	/**
	 * Creates the context of the end of a job.
	 * @param jobId the job
	 * @param workflow the workflow's name
	 * @param status the job's final status
	 */
	public JobEndObservationContext(UUID jobId, String workflow, JobStatus status) {
		this.jobId = jobId;
		this.workflow = workflow;
		this.status = status;
	}

	/**
	 * Returns the job's id.
	 * @return the job
	 */
	public UUID getJobId() {
		return this.jobId;
	}

	/**
	 * Returns the workflow's name.
	 * @return the workflow
	 */
	public String getWorkflow() {
		return this.workflow;
	}

	/**
	 * Returns the job's final status.
	 * @return the status
	 */
	public JobStatus getStatus() {
		return this.status;
	}

}

package dev.workflow.observation;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

/**
 * The context of {@link WorkflowObservation#JOB_START}. Its carrier is the job's trace context: a tracing handler
 * writes into it (a {@code traceparent} entry, say) when the observation starts, and the engine stores it with the
 * job, for every step message of the job to carry.
 */
public class JobStartObservationContext extends SenderContext<Map<String, String>> {

	private final String workflow;

	private @Nullable UUID jobId;

	/**
	 * Creates the context of a start of a job.
	 * @param workflow the workflow's name
	 */
	public JobStartObservationContext(String workflow) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		}, Kind.PRODUCER);
		this.workflow = workflow;
		setCarrier(new HashMap<>(4));
	}

	/**
	 * Returns the workflow's name.
	 * @return the workflow
	 */
	public String getWorkflow() {
		return this.workflow;
	}

	/**
	 * Returns the started job's id, once it is known.
	 * @return the job's id, or {@code null}
	 */
	public @Nullable UUID getJobId() {
		return this.jobId;
	}

	/**
	 * Sets the started job's id.
	 * @param jobId the job's id
	 */
	public void setJobId(@Nullable UUID jobId) {
		this.jobId = jobId;
	}

}

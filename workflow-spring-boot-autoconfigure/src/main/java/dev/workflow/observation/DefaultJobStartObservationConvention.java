package dev.workflow.observation;

import java.util.UUID;

import dev.workflow.observation.WorkflowObservation.WorkflowKeys;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The default convention of {@link WorkflowObservation#JOB_START}: named {@code workflow.job.start}, tagged with
 * {@code workflow} and, high-cardinality, {@code job.id}.
 */
public class DefaultJobStartObservationConvention implements ObservationConvention<JobStartObservationContext> {

	/** The shared instance. */
	public static final DefaultJobStartObservationConvention INSTANCE = new DefaultJobStartObservationConvention();

	@Override
	public String getName() {
		return "workflow.job.start";
	}

	@Override
	public String getContextualName(JobStartObservationContext context) {
		return "start " + context.getWorkflow();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(JobStartObservationContext context) {
		return KeyValues.of(WorkflowKeys.WORKFLOW.withValue(context.getWorkflow()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(JobStartObservationContext context) {
		UUID jobId = context.getJobId();
		return (jobId != null) ? KeyValues.of(WorkflowKeys.JOB_ID.withValue(jobId.toString())) : KeyValues.empty();
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof JobStartObservationContext;
	}

}

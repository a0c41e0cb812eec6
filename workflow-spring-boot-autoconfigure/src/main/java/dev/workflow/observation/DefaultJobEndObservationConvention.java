package dev.workflow.observation;

import java.util.Locale;

import dev.workflow.observation.WorkflowObservation.WorkflowKeys;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The default convention of {@link WorkflowObservation#JOB_END}: named {@code workflow.job.end}, tagged with
 * {@code workflow} and {@code status} (in lower case) and, high-cardinality, {@code job.id}.
 */
public class DefaultJobEndObservationConvention implements ObservationConvention<JobEndObservationContext> {

	/** The shared instance. */
	public static final DefaultJobEndObservationConvention INSTANCE = new DefaultJobEndObservationConvention();

	@Override
	public String getName() {
		return "workflow.job.end";
	}

	@Override
	public String getContextualName(JobEndObservationContext context) {
		return "end " + context.getWorkflow();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(JobEndObservationContext context) {
		return KeyValues.of(WorkflowKeys.WORKFLOW.withValue(context.getWorkflow()),
				WorkflowKeys.STATUS.withValue(context.getStatus().name().toLowerCase(Locale.ROOT)));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(JobEndObservationContext context) {
		return KeyValues.of(WorkflowKeys.JOB_ID.withValue(context.getJobId().toString()));
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof JobEndObservationContext;
	}

}

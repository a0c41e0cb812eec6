package dev.workflow.observation;

import dev.workflow.observation.WorkflowObservation.WorkflowKeys;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The default convention of {@link WorkflowObservation#STEP}: named {@code workflow.step}, tagged with
 * {@code workflow}, {@code step} and {@code outcome} and, high-cardinality, {@code job.id} and {@code attempt}.
 */
public class DefaultStepObservationConvention implements ObservationConvention<StepObservationContext> {

	/** The shared instance. */
	public static final DefaultStepObservationConvention INSTANCE = new DefaultStepObservationConvention();

	@Override
	public String getName() {
		return "workflow.step";
	}

	@Override
	public String getContextualName(StepObservationContext context) {
		return "step " + context.getStep();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(StepObservationContext context) {
		return KeyValues.of(WorkflowKeys.WORKFLOW.withValue(context.getWorkflow()),
				WorkflowKeys.STEP.withValue(context.getStep()),
				WorkflowKeys.OUTCOME.withValue(context.getOutcome().value()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(StepObservationContext context) {
		return KeyValues.of(WorkflowKeys.JOB_ID.withValue(context.getJobId().toString()),
				WorkflowKeys.ATTEMPT.withValue(Integer.toString(context.getAttempt())));
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof StepObservationContext;
	}

}

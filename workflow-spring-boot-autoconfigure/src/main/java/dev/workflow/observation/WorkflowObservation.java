package dev.workflow.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The engine's observations. With Micrometer's {@code DefaultMeterObservationHandler} (Spring Boot Actuator registers
 * it) each one is a timer of the same name, tagged with its low-cardinality keys and {@code error}; with Micrometer
 * Tracing each one is a span. A {@code GlobalObservationConvention} for a context below replaces the default
 * convention; an {@code ObservationPredicate} can turn an observation off.
 */
public enum WorkflowObservation implements ObservationDocumentation {

	/**
	 * {@code workflow.job.start}: a client starts a job, from the call of {@code WorkflowClient.start} until its first
	 * steps are handed to the broker. Its count is the number of starts per workflow. Its context is a sender context:
	 * the trace context it is given (a {@code traceparent}, say) is stored with the job and travels in every step
	 * message of the job, so that each step continues the trace that started it. A child job started by a workflow
	 * method is not a start of its own: it continues its parent's trace.
	 */
	JOB_START {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultJobStartObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { WorkflowKeys.WORKFLOW };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { WorkflowKeys.JOB_ID };
		}

	},

	/**
	 * {@code workflow.step}: a worker runs one attempt of a step, from its claim until its outcome is committed and
	 * what it called for is handed to the broker. Its timer gives step durations; {@code outcome=retried} counts
	 * retries. Its context is a receiver context whose parent is the trace context of the job.
	 */
	STEP {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultStepObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { WorkflowKeys.WORKFLOW, WorkflowKeys.STEP, WorkflowKeys.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { WorkflowKeys.JOB_ID, WorkflowKeys.ATTEMPT };
		}

	},

	/**
	 * {@code workflow.job.end}: a job has ended (completed, failed, aborted or cancelled), observed on the instance
	 * that ended it, once the end is committed. It takes no time; its count is the number of jobs that ended per
	 * workflow and status.
	 */
	JOB_END {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultJobEndObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { WorkflowKeys.WORKFLOW, WorkflowKeys.STATUS };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { WorkflowKeys.JOB_ID };
		}

	};

	/**
	 * The keys of the engine's observations.
	 */
	public enum WorkflowKeys implements KeyName {

		/** The workflow's name. */
		WORKFLOW("workflow"),

		/** The step's name. */
		STEP("step"),

		/** How a step attempt ended: see {@link StepObservationContext.Outcome}. */
		OUTCOME("outcome"),

		/** How a job ended: {@code completed}, {@code failed}, {@code aborted} or {@code cancelled}. */
		STATUS("status"),

		/** The job's id. */
		JOB_ID("job.id"),

		/** The attempt of a step, from 1. */
		ATTEMPT("attempt");

		private final String key;

		WorkflowKeys(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

}

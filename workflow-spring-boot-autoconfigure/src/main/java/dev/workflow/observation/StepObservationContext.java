package dev.workflow.observation;

import java.util.Map;
import java.util.UUID;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

/**
 * The context of {@link WorkflowObservation#STEP}. Its carrier is the trace context stored with the job and carried
 * by the step message, so that a tracing handler makes the step's span a part of the job's trace, whatever thread or
 * instance published the message.
 */
public class StepObservationContext extends ReceiverContext<Map<String, String>> {

	private final UUID jobId;

	private final String workflow;

	private final String step;

	private final int attempt;

	private Outcome outcome = Outcome.ERROR;

	/**
	 * Creates the context of one attempt of a step.
	 * @param traceContext the job's trace context, empty if it has none
	 * @param jobId the job
	 * @param workflow the workflow's name
	 * @param step the step's name
	 * @param attempt the attempt, from 1
	 */
	public StepObservationContext(Map<String, String> traceContext, UUID jobId, String workflow, String step,
			int attempt) {
		super((carrier, key) -> carrier.get(key), Kind.CONSUMER);
		setCarrier(traceContext);
		this.jobId = jobId;
		this.workflow = workflow;
		this.step = step;
		this.attempt = attempt;
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
	 * Returns the step's name.
	 * @return the step
	 */
	public String getStep() {
		return this.step;
	}

	/**
	 * Returns the attempt.
	 * @return the attempt, from 1
	 */
	public int getAttempt() {
		return this.attempt;
	}

	/**
	 * Returns how the attempt ended; {@link Outcome#ERROR} until the engine knows.
	 * @return the outcome
	 */
	public Outcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Sets how the attempt ended.
	 * @param outcome the outcome
	 */
	public void setOutcome(Outcome outcome) {
		this.outcome = outcome;
	}

	/**
	 * How an attempt of a step ended: the value of the {@code outcome} key.
	 */
	public enum Outcome {

		/** {@code completed}: the step returned, and its result was recorded (unless its job had ended meanwhile). */
		COMPLETED("completed"),

		/** {@code retried}: the step threw or timed out, and another attempt is scheduled. */
		RETRIED("retried"),

		/** {@code failed}: the step threw, or its input or result could not be converted, and its job failed. */
		FAILED("failed"),

		/** {@code timed_out}: the step ran longer than its timeout, had no attempt left, and its job failed. */
		TIMED_OUT("timed_out"),

		/**
		 * {@code interrupted}: this instance stopped while the step ran, or cannot record its outcome because its
		 * job's history is of a newer release of the workflow; it runs again elsewhere.
		 */
		INTERRUPTED("interrupted"),

		/**
		 * {@code error}: the outcome could not be recorded (the database was away, say); the message goes back to the
		 * broker and the step runs again.
		 */
		ERROR("error");

		private final String value;

		Outcome(String value) {
			this.value = value;
		}

		/**
		 * Returns the key's value.
		 * @return the value
		 */
		public String value() {
			return this.value;
		}

	}

}

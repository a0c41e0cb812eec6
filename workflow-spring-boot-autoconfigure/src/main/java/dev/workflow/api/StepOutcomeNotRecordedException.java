package dev.workflow.api;

/**
 * Recorded as the error of a step attempt whose outcome the engine could not store: the database refused the step's
 * result or error (a value it cannot hold, a constraint or trigger of its own), or the attempt lost its worker's
 * lease more often than {@code workflow.worker.max-lease-lapses} allows (its worker crashed, hung, or could not
 * record the outcome each time). The attempt counts as failed, and the step's retry policy decides whether another
 * follows, so that no attempt runs again without bound.
 */
public class StepOutcomeNotRecordedException extends WorkflowException {

	private static final long serialVersionUID = 1L;

	public StepOutcomeNotRecordedException(String message) {
		super(message);
	}

	public StepOutcomeNotRecordedException(String message, Throwable cause) {
		super(message, cause);
	}

}

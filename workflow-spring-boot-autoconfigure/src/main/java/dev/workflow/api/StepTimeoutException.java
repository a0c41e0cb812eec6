package dev.workflow.api;

/**
 * Recorded as the error of a step attempt that ran longer than its timeout and was interrupted.
 */
public class StepTimeoutException extends WorkflowException {

	private static final long serialVersionUID = 1L;

	public StepTimeoutException(String message) {
		super(message);
	}

}

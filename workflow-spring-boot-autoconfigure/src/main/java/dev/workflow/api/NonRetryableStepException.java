package dev.workflow.api;

/**
 * Thrown by a step (or the cause of what it throws) when retrying cannot help: the job fails at once, whatever the
 * step's retry policy says.
 */
public class NonRetryableStepException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public NonRetryableStepException(String message) {
		super(message);
	}

	public NonRetryableStepException(String message, Throwable cause) {
		super(message, cause);
	}

}

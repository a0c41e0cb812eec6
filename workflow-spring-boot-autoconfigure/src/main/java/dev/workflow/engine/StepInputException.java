package dev.workflow.engine;

/**
 * A step's input or context did not convert to its parameter's type: no retry can change that.
 */
class StepInputException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	StepInputException(String message, Throwable cause) {
		super(message, cause);
	}

}

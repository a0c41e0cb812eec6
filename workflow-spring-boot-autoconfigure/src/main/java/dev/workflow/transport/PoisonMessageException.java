package dev.workflow.transport;

/**
 * A message that no retry can ever handle: not a valid step message (not JSON, JSON {@code null}, a field missing or
 * of the wrong type), or for a workflow or step that does not exist, or with an input that does not convert to the
 * step's parameter. It goes to the parking queue.
 */
public class PoisonMessageException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public PoisonMessageException(String message, Throwable cause) {
		super(message, cause);
	}

	public PoisonMessageException(String message) {
		super(message);
	}

}

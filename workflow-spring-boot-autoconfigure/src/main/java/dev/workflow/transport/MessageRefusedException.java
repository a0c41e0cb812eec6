package dev.workflow.transport;

/**
 * The broker refused a step message for good: it nacked it, returned it or closed the channel over it (a message over
 * its maximum size, an exchange that does not exist) {@code workflow.broker.max-refusals} times. The error of the
 * step and job it was for has this type, and the broker's reason.
 */
public class MessageRefusedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what was refused, how often, and the broker's reason
	 */
	public MessageRefusedException(String message) {
		super(message);
	}

}

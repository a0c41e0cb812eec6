package dev.workflow.api;

import org.jspecify.annotations.Nullable;

/**
 * The application's configuration of the engine is invalid: a {@code workflow.*} property out of range or that does
 * not parse, or a data source the engine cannot keep its jobs in. Thrown while the application starts, which it
 * stops; the start's failure report says what is wrong and what to do.
 */
public class WorkflowConfigurationException extends WorkflowException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String action;

	/**
	 * Creates the exception.
	 * @param message what is wrong, naming the property and its value
	 */
	public WorkflowConfigurationException(String message) {
		this(message, null, null);
	}

	/**
	 * Creates the exception.
	 * @param message what is wrong, naming the property and its value
	 * @param action what to do about it, or {@code null} to say to correct the property
	 * @param cause the failure that showed it, or {@code null}
	 */
	public WorkflowConfigurationException(String message, @Nullable String action, @Nullable Throwable cause) {
		super(message, cause);
		this.action = action;
	}

	/**
	 * Returns what to do about it.
	 * @return the action, or {@code null} if correcting the property named in the message is the action
	 */
	public @Nullable String getAction() {
		return this.action;
	}

}

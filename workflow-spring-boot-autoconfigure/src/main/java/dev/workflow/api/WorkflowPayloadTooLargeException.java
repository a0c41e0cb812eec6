package dev.workflow.api;

/**
 * A value (a job's input or context, a step's result, an event's payload) or a step message is larger, as JSON, than
 * {@code workflow.max-payload-size} allows. Thrown to the caller that hands the engine the value (a start, an event
 * sent); a step's result over the limit fails the job instead, since running the step again would return the same.
 */
public class WorkflowPayloadTooLargeException extends WorkflowSerializationException {

	private static final long serialVersionUID = 1L;

	private final long size;

	private final long limit;

	/**
	 * Creates the exception.
	 * @param message the message, naming the value, its job, workflow and step where known, the size and the limit
	 * @param size the value's size in bytes, as UTF-8 JSON
	 * @param limit the limit in bytes
	 */
	public WorkflowPayloadTooLargeException(String message, long size, long limit) {
		super(message);
		this.size = size;
		this.limit = limit;
	}

	/**
	 * Returns the size of the value or message.
	 * @return its size in bytes, as UTF-8 JSON
	 */
	public long size() {
		return this.size;
	}

	/**
	 * Returns the limit.
	 * @return {@code workflow.max-payload-size} in bytes
	 */
	public long limit() {
		return this.limit;
	}

}

package dev.workflow.transport;

/**
 * Runs the step a message asks for. Returns normally when the message may be acknowledged: the step's outcome is
 * committed and what it called for is published, or the message was a duplicate.
 */
@FunctionalInterface
public interface StepMessageHandler {

	/**
	 * Handles one delivery.
	 * @param body the message body
	 * @throws PoisonMessageException if the message can never be handled; it is parked
	 */
	void handle(byte[] body);

}

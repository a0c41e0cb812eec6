package dev.workflow.transport;

/**
 * The type of the queues the engine declares on RabbitMQ.
 */
public enum QueueType {

	/**
	 * Classic durable queues, declared without an {@code x-queue-type} argument: the broker's default type, and the
	 * only one that other AMQP 0-9-1 brokers (the embedded one among them) know.
	 */
	CLASSIC,

	/**
	 * Quorum queues ({@code x-queue-type: quorum}), replicated over the nodes of a RabbitMQ cluster (3.10 or later),
	 * so that a node that fails loses no step message. The engine sets no {@code x-delivery-limit}: on RabbitMQ 4 a
	 * quorum queue drops a message after 20 redeliveries by default (a worker hands a message back each time it
	 * cannot reach the database), and the step is then dispatched again from the database once
	 * {@code workflow.worker.claim-timeout} has passed. A policy with a {@code delivery-limit} changes that limit.
	 */
	QUORUM

}

package dev.workflow.autoconfigure;

import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

/**
 * Customizes the listener containers that consume the engine's step queues, one per worker pool this instance
 * serves, after Spring Boot's {@code spring.rabbitmq.listener.simple.*} settings and the engine's own have been
 * applied and before the container starts. Declare it as a bean. Leave the engine's settings as they are: the queue,
 * the message listener, manual acknowledgement, one message at a time (no consumer batches), no advice chain and
 * requeue of rejected messages are what the engine's delivery guarantees rest on; concurrency and prefetch come from
 * {@code workflow.worker.*} and {@code workflow.pools.*}.
 */
@FunctionalInterface
public interface WorkflowListenerContainerCustomizer {

	/**
	 * Customizes a container.
	 * @param pool the worker pool whose queue it consumes ({@code default} for the default pool)
	 * @param container the container
	 */
	void customize(String pool, SimpleMessageListenerContainer container);

}

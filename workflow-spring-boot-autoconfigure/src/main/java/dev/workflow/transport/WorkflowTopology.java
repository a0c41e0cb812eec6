package dev.workflow.transport;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;

/**
 * The exchange, queues and bindings the engine declares on the broker.
 * <p>
 * Only plain durable queues and direct exchanges: no TTL, dead-letter or queue-type arguments, so that any AMQP
 * 0-9-1 broker works and retries or delays never depend on broker features.
 *
 * @param exchange the direct exchange step messages are published to
 * @param stepQueue the queue workers consume step messages from
 * @param stepRoutingKey the routing key that binds the step queue to the exchange
 * @param parkingQueue the durable queue that messages no worker can ever handle are moved to, for a person to look at
 */
public record WorkflowTopology(String exchange, String stepQueue, String stepRoutingKey, String parkingQueue) {

	/**
	 * Returns what to declare on the broker.
	 * @return the declarables
	 */
	public Declarables declarables() {
		DirectExchange directExchange = new DirectExchange(this.exchange, true, false);
		Queue queue = QueueBuilder.durable(this.stepQueue).build();
		Binding binding = BindingBuilder.bind(queue).to(directExchange).with(this.stepRoutingKey);
		Queue parking = QueueBuilder.durable(this.parkingQueue).build();
		return new Declarables(directExchange, queue, binding, parking);
	}

}

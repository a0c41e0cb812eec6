package dev.workflow.transport;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Queue;
import org.springframework.beans.factory.InitializingBean;

/**
 * Declares the engine's topology when the application starts, so that an unreachable broker fails the start at
 * once instead of when the first job is started. After a reconnect the {@link AmqpAdmin} declares it again from the
 * topology's {@code Declarables} bean.
 */
public class TopologyInitializer implements InitializingBean {

	private final AmqpAdmin amqpAdmin;

	private final WorkflowTopology topology;

	public TopologyInitializer(AmqpAdmin amqpAdmin, WorkflowTopology topology) {
		this.amqpAdmin = amqpAdmin;
		this.topology = topology;
	}

	@Override
	public void afterPropertiesSet() {
		for (Declarable declarable : this.topology.declarables().getDeclarables()) {
			if (declarable instanceof Exchange exchange) {
				this.amqpAdmin.declareExchange(exchange);
			}
			else if (declarable instanceof Queue queue) {
				this.amqpAdmin.declareQueue(queue);
			}
			else if (declarable instanceof Binding binding) {
				this.amqpAdmin.declareBinding(binding);
			}
		}
	}

}

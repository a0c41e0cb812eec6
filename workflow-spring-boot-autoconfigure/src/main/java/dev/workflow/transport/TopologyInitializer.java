package dev.workflow.transport;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.AmqpException;
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
 * <p>
 * A queue that exists on the broker with another type than {@code workflow.broker.queue-type} (RabbitMQ closes the
 * channel: {@code PRECONDITION_FAILED - inequivalent arg 'x-queue-type'}) fails the start with a
 * {@link QueueTypeMismatchException} that names the queue, both types, and the way to move.
 */
public class TopologyInitializer implements InitializingBean {

	private static final Pattern INEQUIVALENT_QUEUE_TYPE = Pattern
		.compile("inequivalent arg 'x-queue-type' for queue '([^']*)'");

	private final AmqpAdmin amqpAdmin;

	private final WorkflowTopology topology;

	public TopologyInitializer(AmqpAdmin amqpAdmin, WorkflowTopology topology) {
		this.amqpAdmin = amqpAdmin;
		this.topology = topology;
	}

	@Override
	public void afterPropertiesSet() {
		try {
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
		catch (AmqpException ex) {
			QueueTypeMismatchException mismatch = queueTypeMismatch(ex, this.topology.queueType());
			if (mismatch != null) {
				throw mismatch;
			}
			throw ex;
		}
	}

	/**
	 * Recognises the broker's refusal to declare a queue with another type than the one it has.
	 * @param ex what a declaration threw
	 * @param configured the type the engine declares
	 * @return the exception to fail the start with, or {@code null} if the failure is another one
	 */
	static @Nullable QueueTypeMismatchException queueTypeMismatch(Throwable ex, QueueType configured) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof ShutdownSignalException signal && signal.getReason() instanceof AMQP.Channel.Close close
					&& close.getReplyCode() == AMQP.PRECONDITION_FAILED) {
				Matcher matcher = INEQUIVALENT_QUEUE_TYPE.matcher(close.getReplyText());
				if (matcher.find()) {
					return new QueueTypeMismatchException(matcher.group(1), configured, close.getReplyText(), ex);
				}
			}
		}
		return null;
	}

	/**
	 * Thrown at start-up when a queue of the engine exists on the broker with another type than
	 * {@code workflow.broker.queue-type}: RabbitMQ never changes the type of a queue.
	 */
	public static class QueueTypeMismatchException extends IllegalStateException {

		private final String queue;

		QueueTypeMismatchException(String queue, QueueType configured, String brokerReply, Throwable cause) {
			super(message(queue, configured, brokerReply), cause);
			this.queue = queue;
		}

		/**
		 * Returns the queue whose type differs.
		 * @return the queue's name
		 */
		public String getQueue() {
			return this.queue;
		}

		private static String message(String queue, QueueType configured, String brokerReply) {
			String wanted = configured.name().toLowerCase(java.util.Locale.ROOT);
			String existing = (configured == QueueType.QUORUM) ? "classic" : "quorum (or another non-classic type)";
			return "Queue '" + queue + "' exists on the broker as a " + existing + " queue, but "
					+ "workflow.broker.queue-type is " + wanted + " (the broker said: " + brokerReply + "). RabbitMQ "
					+ "cannot change the type of a queue. To move, see \"Queue types\" in the README: "
					+ "give the new instances " + wanted + " queues under new names (workflow.broker.step-queue and "
					+ "workflow.broker.parking-queue) with the same exchange and routing keys, so that both old and "
					+ "new queues receive new work; let the old instances drain the old queues, then stop them and "
					+ "delete the old queues. Steps whose messages only a deleted queue held are dispatched again "
					+ "from the database after workflow.worker.claim-timeout. Or set workflow.broker.queue-type back "
					+ "to " + ((configured == QueueType.QUORUM) ? "classic" : "quorum") + ".";
		}

	}

}

package dev.workflow.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes step messages, persistent and mandatory, and waits for the broker's confirms of a whole batch at once.
 */
public class StepPublisher {

	private static final Log logger = LogFactory.getLog(StepPublisher.class);

	private final RabbitTemplate rabbitTemplate;

	private final Duration confirmTimeout;

	public StepPublisher(RabbitTemplate rabbitTemplate, Duration confirmTimeout) {
		this.rabbitTemplate = rabbitTemplate;
		this.confirmTimeout = confirmTimeout;
	}

	/**
	 * Publishes messages without waiting for the broker: each one the broker confirms is handed to the callback, on
	 * a thread of the broker client. What is not confirmed stays in the outbox, for the relay.
	 * @param messages the messages, each with the id of its outbox row
	 * @param confirmed called with the id of each message the broker has taken
	 */
	public void publishAsync(List<OutboundMessage> messages, Consumer<UUID> confirmed) {
		for (OutboundMessage message : messages) {
			CorrelationData correlation = new CorrelationData(message.id().toString());
			try {
				this.rabbitTemplate.send(message.exchange(), message.routingKey(), toAmqp(message), correlation);
			}
			catch (AmqpException ex) {
				logger.warn("Could not publish message " + message.id() + " to exchange '" + message.exchange()
						+ "'; it stays in the outbox: " + ex);
				continue;
			}
			correlation.getFuture().whenComplete((confirm, failure) -> {
				if (failure == null && confirm.ack() && correlation.getReturned() == null) {
					confirmed.accept(message.id());
				}
				else {
					logger.warn("Broker did not accept message " + message.id() + " ("
							+ ((failure != null) ? failure : (correlation.getReturned() != null)
									? "returned: " + correlation.getReturned().getReplyText() : "nack: " + confirm.reason())
							+ "); it stays in the outbox");
				}
			});
		}
	}

	/**
	 * Publishes messages and returns the ids of those the broker confirmed. A message that is not confirmed (a nack,
	 * a return because nothing was bound, a timeout, a lost connection) is left out, so that its outbox row stays for
	 * the next attempt.
	 * @param messages the messages
	 * @return the ids of the confirmed messages
	 */
	public List<UUID> publish(List<OutboundMessage> messages) {
		List<CorrelationData> pending = new ArrayList<>(messages.size());
		for (OutboundMessage message : messages) {
			CorrelationData correlation = new CorrelationData(message.id().toString());
			try {
				this.rabbitTemplate.send(message.exchange(), message.routingKey(), toAmqp(message), correlation);
				pending.add(correlation);
			}
			catch (AmqpException ex) {
				logger.warn("Could not publish message " + message.id() + " to exchange '" + message.exchange()
						+ "'; it stays in the outbox: " + ex);
			}
		}
		List<UUID> confirmed = new ArrayList<>(pending.size());
		long deadline = System.nanoTime() + this.confirmTimeout.toNanos();
		for (CorrelationData correlation : pending) {
			try {
				long left = Math.max(0, deadline - System.nanoTime());
				CorrelationData.Confirm confirm = correlation.getFuture().get(left, TimeUnit.NANOSECONDS);
				if (confirm.ack() && correlation.getReturned() == null) {
					confirmed.add(UUID.fromString(correlation.getId()));
				}
				else {
					logger.warn("Broker did not accept message " + correlation.getId() + " ("
							+ ((correlation.getReturned() != null) ? "returned: " + correlation.getReturned().getReplyText()
									: "nack: " + confirm.reason())
							+ "); it stays in the outbox");
				}
			}
			catch (TimeoutException | ExecutionException ex) {
				logger.warn("No confirm for message " + correlation.getId() + " within " + this.confirmTimeout
						+ "; it stays in the outbox");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		return confirmed;
	}

	/**
	 * Publishes one message as it is (headers and all) and waits for the broker's confirm.
	 * @param exchange the exchange
	 * @param routingKey the routing key
	 * @param message the message
	 * @throws AmqpIOException if the broker does not confirm it
	 */
	public void publishConfirmed(String exchange, String routingKey, Message message) {
		CorrelationData correlation = new CorrelationData();
		this.rabbitTemplate.send(exchange, routingKey, message, correlation);
		try {
			CorrelationData.Confirm confirm = correlation.getFuture()
				.get(this.confirmTimeout.toNanos(), TimeUnit.NANOSECONDS);
			if (!confirm.ack() || correlation.getReturned() != null) {
				throw new AmqpIOException(new java.io.IOException("The broker did not accept the message to '"
						+ routingKey + "'"));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AmqpIOException(new java.io.IOException("Interrupted while waiting for a confirm", ex));
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new AmqpIOException(new java.io.IOException("No confirm within " + this.confirmTimeout, ex));
		}
	}

	private static Message toAmqp(OutboundMessage message) {
		return MessageBuilder.withBody(message.payload().getBytes(StandardCharsets.UTF_8))
			.setContentType(MessageProperties.CONTENT_TYPE_JSON)
			.setContentEncoding(StandardCharsets.UTF_8.name())
			.setDeliveryMode(MessageDeliveryMode.PERSISTENT)
			.setMessageId(message.id().toString())
			.build();
	}

}

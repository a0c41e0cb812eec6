package dev.workflow.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes step messages, persistent and mandatory, and waits for the broker's confirms of a whole batch at once.
 * <p>
 * The broker refuses a message for good by closing the channel over it (RabbitMQ and Qpid do so for a message over
 * their maximum size, or to an exchange that does not exist). A closed channel takes every message waiting for its
 * confirm on it, so only a message published alone on a channel of its own ({@link #publishAlone}) can be said to be
 * refused. A nack or a return (nothing bound to its routing key: a queue deleted or unbound, full, or without a
 * leader for a while) declines a message for now: such states pass, or an operator mends them. A lost connection, or
 * a confirm that does not come in time, is neither.
 */
public class StepPublisher {

	private static final Log logger = LogFactory.getLog(StepPublisher.class);

	/**
	 * The reason the Java client gives for a channel the broker closed; Spring AMQP nacks the messages waiting for a
	 * confirm on it with that reason.
	 */
	private static final Pattern CHANNEL_CLOSED = Pattern
		.compile("^channel error; protocol method: #method<channel\\.close>\\(reply-code=(\\d+), reply-text=(.*), "
				+ "class-id=\\d+, method-id=\\d+\\)");

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
			if (!send(message, correlation)) {
				continue;
			}
			correlation.getFuture().whenComplete((confirm, failure) -> {
				if (failure == null && confirm.ack() && correlation.getReturned() == null) {
					confirmed.accept(message.id());
				}
				else {
					logger.warn("Broker did not accept message " + message.id() + " ("
							+ ((failure != null) ? failure : describe(confirm, correlation.getReturned()))
							+ "); it stays in the outbox");
				}
			});
		}
	}

	/**
	 * What the broker made of messages handed to it. A message in none of the lists could not be sent at all (no
	 * connection, say).
	 *
	 * @param confirmed the ids of the messages the broker took
	 * @param refused the messages the broker refused for good, with its reason: only messages published alone are
	 * said to be refused
	 * @param declined the messages published alone that the broker nacked or returned, with its reason
	 * @param notConfirmed the messages sent but not confirmed for a reason that may have nothing to do with them (a
	 * channel closed over another message, a lost connection, a confirm that came too late), with the reason
	 */
	public record Confirms(List<UUID> confirmed, Map<UUID, String> refused, Map<UUID, String> declined,
			Map<UUID, String> notConfirmed) {
	}

	/**
	 * Publishes messages and waits for their confirms together. A message that is not confirmed (a nack, a return
	 * because nothing was bound, a timeout, a lost connection) is not confirmed and never refused: on a shared
	 * channel, what the broker answers may be about another message.
	 * @param messages the messages
	 * @return what the broker made of them
	 */
	public Confirms publish(List<OutboundMessage> messages) {
		List<CorrelationData> pending = new ArrayList<>(messages.size());
		for (OutboundMessage message : messages) {
			CorrelationData correlation = new CorrelationData(message.id().toString());
			if (send(message, correlation)) {
				pending.add(correlation);
			}
		}
		List<UUID> confirmed = new ArrayList<>(pending.size());
		Map<UUID, String> notConfirmed = new LinkedHashMap<>();
		long deadline = System.nanoTime() + this.confirmTimeout.toNanos();
		for (CorrelationData correlation : pending) {
			UUID id = UUID.fromString(correlation.getId());
			try {
				long left = Math.max(0, deadline - System.nanoTime());
				CorrelationData.Confirm confirm = correlation.getFuture().get(left, TimeUnit.NANOSECONDS);
				if (confirm.ack() && correlation.getReturned() == null) {
					confirmed.add(id);
				}
				else {
					String reason = describe(confirm, correlation.getReturned());
					notConfirmed.put(id, reason);
					logger.warn("Broker did not accept message " + id + " (" + reason + "); it stays in the outbox");
				}
			}
			catch (TimeoutException | ExecutionException ex) {
				notConfirmed.put(id, "no confirm within " + this.confirmTimeout);
				logger.warn("No confirm for message " + id + " within " + this.confirmTimeout
						+ "; it stays in the outbox");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		return new Confirms(confirmed, Map.of(), Map.of(), notConfirmed);
	}

	/**
	 * Publishes messages one at a time, each on a channel that nothing else uses until its confirm has come, so that
	 * what the broker answers is about that message: a nack, a return or a channel the broker closes is a refusal.
	 * It stops at the first message that cannot be sent or whose confirm does not come in time: the broker is away
	 * or slow, and the messages after it are left as they were.
	 * @param messages the messages
	 * @return what the broker made of them
	 */
	public Confirms publishAlone(List<OutboundMessage> messages) {
		List<UUID> confirmed = new ArrayList<>();
		Map<UUID, String> refused = new LinkedHashMap<>();
		Map<UUID, String> declined = new LinkedHashMap<>();
		Map<UUID, String> notConfirmed = new LinkedHashMap<>();
		for (OutboundMessage message : messages) {
			CorrelationData correlation = new CorrelationData(message.id().toString());
			CorrelationData.Confirm confirm;
			try {
				confirm = this.rabbitTemplate.invoke((operations) -> {
					operations.send(message.exchange(), message.routingKey(), toAmqp(message), correlation);
					// Waits on the channel this call holds: nothing else publishes on it meanwhile.
					return awaitConfirm(correlation);
				});
			}
			catch (AmqpException ex) {
				// No channel: the broker cannot be reached, and the messages after this one would fare no better.
				logger.warn("Could not publish message " + message.id() + " to exchange '" + message.exchange()
						+ "'; it stays in the outbox, with the " + (messages.size() - confirmed.size() - refused.size()
								- declined.size() - notConfirmed.size() - 1)
						+ " after it: " + ex);
				break;
			}
			if (confirm == null) {
				// A broker that does not confirm in time is slow or going away: the others wait for the next round.
				notConfirmed.put(message.id(), "no confirm within " + this.confirmTimeout);
				break;
			}
			String refusal = refusal(confirm.ack(), confirm.reason(), correlation.getReturned());
			String decline = declined(confirm.ack(), confirm.reason(), correlation.getReturned());
			if (refusal != null) {
				refused.put(message.id(), refusal);
			}
			else if (decline != null) {
				declined.put(message.id(), decline);
			}
			else if (confirm.ack()) {
				confirmed.add(message.id());
			}
			else {
				notConfirmed.put(message.id(), describe(confirm, null));
			}
		}
		return new Confirms(confirmed, refused, declined, notConfirmed);
	}

	/**
	 * Sends a message on a channel of the template's, for its confirm to come to the correlation.
	 * @return {@code false} if it could not be sent (no connection, say): its outbox row stays
	 */
	private boolean send(OutboundMessage message, CorrelationData correlation) {
		try {
			this.rabbitTemplate.send(message.exchange(), message.routingKey(), toAmqp(message), correlation);
			return true;
		}
		catch (AmqpException ex) {
			logger.warn("Could not publish message " + message.id() + " to exchange '" + message.exchange()
					+ "'; it stays in the outbox: " + ex);
			return false;
		}
	}

	private CorrelationData.@Nullable Confirm awaitConfirm(CorrelationData correlation) {
		try {
			return correlation.getFuture().get(this.confirmTimeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * Says why the broker declined a message published alone for now, or {@code null} if it did not: it returned the
	 * message (nothing bound to its routing key) or nacked it.
	 * @param ack whether the broker acked the message
	 * @param nackReason the reason Spring AMQP gives for a nack: {@code null} for a nack from the broker
	 * @param returned the message, if the broker returned it
	 * @return the broker's reason, or {@code null}
	 */
	static @Nullable String declined(boolean ack, @Nullable String nackReason, @Nullable ReturnedMessage returned) {
		if (returned != null) {
			return "the broker returned it: " + returned.getReplyCode() + " " + returned.getReplyText();
		}
		return (!ack && nackReason == null) ? "the broker nacked it" : null;
	}

	/**
	 * Says why the broker refused a message published alone for good, or {@code null} if it did not: the broker
	 * closed the channel over it. A nack from a lost connection or from the client itself is no refusal.
	 * @param ack whether the broker acked the message
	 * @param nackReason the reason Spring AMQP gives for a nack: {@code null} for a nack from the broker, the
	 * client's reason for a closed channel
	 * @param returned the message, if the broker returned it
	 * @return the broker's reason, or {@code null}
	 */
	static @Nullable String refusal(boolean ack, @Nullable String nackReason, @Nullable ReturnedMessage returned) {
		if (ack || nackReason == null || returned != null) {
			return null;
		}
		Matcher closed = CHANNEL_CLOSED.matcher(nackReason);
		return closed.find() ? "the broker closed the channel over it: " + closed.group(1) + " " + closed.group(2)
				: null;
	}

	private static String describe(CorrelationData.Confirm confirm, @Nullable ReturnedMessage returned) {
		return (returned != null) ? "returned: " + returned.getReplyCode() + " " + returned.getReplyText()
				: "nack" + ((confirm.reason() != null) ? ": " + confirm.reason() : "");
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

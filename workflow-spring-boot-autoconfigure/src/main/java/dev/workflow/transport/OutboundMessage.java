package dev.workflow.transport;

import java.util.UUID;

/**
 * A message to publish, as kept in the outbox.
 *
 * @param id the outbox row's id, also the message id
 * @param exchange the exchange
 * @param routingKey the routing key
 * @param payload the JSON body
 */
public record OutboundMessage(UUID id, String exchange, String routingKey, String payload) {

}

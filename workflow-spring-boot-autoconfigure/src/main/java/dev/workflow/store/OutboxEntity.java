package dev.workflow.store;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A message to publish, written in the same transaction as the state change that calls for it and deleted once the
 * broker has confirmed it.
 */
@Entity
@Table(name = "wf_outbox")
public class OutboxEntity {

	@Id
	private UUID id;

	@Column(nullable = false)
	private String exchange;

	@Column(name = "routing_key", nullable = false)
	private String routingKey;

	@Column(nullable = false)
	private String payload;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	protected OutboxEntity() {
		// for JPA
		this.id = new UUID(0, 0);
		this.exchange = "";
		this.routingKey = "";
		this.payload = "";
		this.createdAt = Instant.EPOCH;
	}

	public OutboxEntity(UUID id, String exchange, String routingKey, String payload, Instant createdAt) {
		this.id = id;
		this.exchange = exchange;
		this.routingKey = routingKey;
		this.payload = payload;
		this.createdAt = createdAt;
	}

	public UUID getId() {
		return this.id;
	}

	public String getExchange() {
		return this.exchange;
	}

	public String getRoutingKey() {
		return this.routingKey;
	}

	public String getPayload() {
		return this.payload;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

}

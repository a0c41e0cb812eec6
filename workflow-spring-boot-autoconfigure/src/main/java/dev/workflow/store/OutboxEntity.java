package dev.workflow.store;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * A message to publish, written in the same transaction as the state change that calls for it and deleted once the
 * broker has confirmed it. The outbox relay records on it what became of its tries: the broker's refusals, the last
 * reason it was not confirmed, and when it may be tried again.
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

	@Column(nullable = false)
	private int refusals;

	@Column(name = "last_error")
	private @Nullable String lastError;

	@Column(name = "next_attempt_at")
	private @Nullable Instant nextAttemptAt;

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

	/**
	 * Returns how many times the broker refused this message.
	 * @return the refusals so far
	 */
	public int getRefusals() {
		return this.refusals;
	}

	/**
	 * Returns why the message was last not confirmed.
	 * @return the reason, or {@code null} if no try has failed
	 */
	public @Nullable String getLastError() {
		return this.lastError;
	}

	/**
	 * Returns when the relay may try this message again, after a refusal.
	 * @return the time, or {@code null} if the relay may take it at once
	 */
	public @Nullable Instant getNextAttemptAt() {
		return this.nextAttemptAt;
	}

	/**
	 * Whether a try of this message has failed before: it is then published alone, so that the broker's answer is
	 * about it only.
	 * @return {@code true} if a try has failed
	 */
	public boolean failedBefore() {
		return this.lastError != null;
	}

	/**
	 * Records a try the broker did not confirm, for a reason that says nothing about the message (another message on
	 * its channel was refused, the connection was lost, the confirm came late).
	 * @param reason why
	 */
	public void notConfirmed(String reason) {
		this.lastError = reason;
	}

	/**
	 * Records that the broker declined this message for now (returned or nacked it), which counts as no refusal.
	 * @param reason the broker's reason
	 * @param nextAttempt when the relay may try it again
	 */
	public void declined(String reason, Instant nextAttempt) {
		this.lastError = reason;
		this.nextAttemptAt = nextAttempt;
	}

	/**
	 * Records a refusal of this message by the broker.
	 * @param reason the broker's reason
	 * @param nextAttempt when the relay may try it again
	 */
	public void refused(String reason, Instant nextAttempt) {
		this.refusals++;
		this.lastError = reason;
		this.nextAttemptAt = nextAttempt;
	}

}

package dev.workflow.store;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;

/**
 * An event sent to a job before its workflow waited for it.
 */
@Entity
@Table(name = "wf_event")
public class EventEntity {

	@Id
	private UUID id;

	@Column(name = "job_id", nullable = false)
	private UUID jobId;

	@Column(nullable = false)
	private String name;

	@JdbcTypeCode(SqlTypes.JSON)
	private @Nullable String payload;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	@Column(name = "consumed_at")
	private @Nullable Instant consumedAt;

	protected EventEntity() {
		// for JPA
		this.id = new UUID(0, 0);
		this.jobId = this.id;
		this.name = "";
		this.createdAt = Instant.EPOCH;
	}

	public EventEntity(UUID id, UUID jobId, String name, @Nullable String payload, Instant createdAt) {
		this.id = id;
		this.jobId = jobId;
		this.name = name;
		this.payload = payload;
		this.createdAt = createdAt;
	}

	public @Nullable String getPayload() {
		return this.payload;
	}

	public void consume(Instant at) {
		this.consumedAt = at;
	}

}

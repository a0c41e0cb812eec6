package dev.workflow.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.EntityManager;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads and writes the rows of {@code wf_outbox}: the messages a transaction writes with the state change that calls
 * for them. Every method runs in the caller's transaction, or, outside one, commits on its own.
 * <p>
 * The relay's claims go through Spring Data JPA; inserts with a start or a completion and the deletes of published
 * rows are plain SQL, the hot path.
 */
public final class OutboxRows {

	/** The columns {@link #INSERT} and a completion's insert of an outbox row write. */
	static final String COLUMNS = "id, exchange, routing_key, payload, created_at";

	/** Inserts an outbox row; parameters: those of {@link #values}. */
	static final String INSERT = "insert into wf_outbox (" + COLUMNS + ") values (?, ?, ?, ?, ?)";

	/** Deletes outbox rows; parameter: their ids. */
	private static final String DELETE = "delete from wf_outbox where id = any(?)";

	private final EntityManager entityManager;

	private final OutboxEntityRepository rows;

	private final JdbcTemplate jdbc;

	/**
	 * Creates the rows' repository.
	 * @param entityManager the shared entity manager
	 * @param jdbc the statements, on the data source of the entity manager's persistence unit
	 */
	public OutboxRows(EntityManager entityManager, JdbcTemplate jdbc) {
		this.entityManager = entityManager;
		this.rows = JpaRepositories.create(entityManager, OutboxEntityRepository.class);
		this.jdbc = jdbc;
	}

	/**
	 * Stores a new outbox row through JPA, in the caller's transaction.
	 * @param row the row
	 */
	public void persist(OutboxEntity row) {
		this.entityManager.persist(row);
	}

	/**
	 * Claims outbox rows older than a moment: those a crash left behind, or that the broker did not confirm. A row the
	 * broker refused waits until its next attempt is due.
	 * @param before only rows created before this
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the rows, locked until the transaction ends
	 */
	public List<OutboxEntity> claimStale(Instant before, Instant now, int limit) {
		return this.rows.claimStale(before, now, limit);
	}

	/**
	 * Deletes published outbox rows, in one statement.
	 * @param ids the rows
	 */
	public void delete(Collection<UUID> ids) {
		if (!ids.isEmpty()) {
			this.jdbc.update(DELETE, (Object) ids.toArray(UUID[]::new));
		}
	}

	/**
	 * Inserts outbox rows in one batch, in the caller's transaction.
	 * @param jdbc the statements
	 * @param rows the rows
	 */
	static void insert(JdbcTemplate jdbc, List<OutboxEntity> rows) {
		if (!rows.isEmpty()) {
			jdbc.batchUpdate(INSERT, rows.stream().map(OutboxRows::values).toList());
		}
	}

	/**
	 * Returns the parameters of {@link #INSERT} for an outbox row.
	 * @param row the row
	 * @return the parameters
	 */
	static Object[] values(OutboxEntity row) {
		return new Object[] { row.getId(), row.getExchange(), row.getRoutingKey(), row.getPayload(),
				Sql.time(row.getCreatedAt()) };
	}

}

package dev.workflow.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.NoRepositoryBean;

/**
 * The general path of {@link OutboxRows}: the outbox relay's claims through Spring Data JPA.
 * <p>
 * {@link NoRepositoryBean @NoRepositoryBean} keeps the application's repository scan from registering it as a bean
 * of its own: {@link OutboxRows} creates it.
 */
@NoRepositoryBean
interface OutboxEntityRepository extends JpaRepository<OutboxEntity, UUID> {

	/**
	 * Claims outbox rows older than a moment, skipping those another instance holds; see {@link OutboxRows#claimStale}.
	 * @param before only rows created before this
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the rows, locked until the transaction ends
	 */
	@Query(value = "select * from wf_outbox where created_at < ?1 and (next_attempt_at is null or next_attempt_at <= ?2) "
			+ "order by created_at limit ?3 for update skip locked", nativeQuery = true)
	List<OutboxEntity> claimStale(Instant before, Instant now, int limit);

}

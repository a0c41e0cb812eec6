package dev.workflow.store;

import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.NoRepositoryBean;

/**
 * The general path of {@link Events}: kept events through Spring Data JPA.
 * <p>
 * {@link NoRepositoryBean @NoRepositoryBean} keeps the application's repository scan from registering it as a bean
 * of its own: {@link Events} creates it.
 */
@NoRepositoryBean
interface EventEntityRepository extends JpaRepository<EventEntity, UUID> {

	/**
	 * Finds the oldest event of a name sent to a job and not yet taken, and locks it.
	 * @param jobId the job
	 * @param name the event's name
	 * @return the event, if there is one
	 */
	@Query(value = "select * from wf_event where job_id = ?1 and name = ?2 and consumed_at is null "
			+ "order by created_at limit 1 for update", nativeQuery = true)
	Optional<EventEntity> claimKept(UUID jobId, String name);

}

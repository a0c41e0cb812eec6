package dev.workflow.store;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.NoRepositoryBean;

/**
 * The general path of {@link JobRows}: lookups of jobs through Spring Data JPA.
 * <p>
 * {@link NoRepositoryBean @NoRepositoryBean} keeps the application's repository scan (which covers this package, an
 * auto-configuration package) from registering it as a bean of its own: {@link JobRows} creates it.
 */
@NoRepositoryBean
interface JobEntityRepository extends JpaRepository<JobEntity, UUID> {

	/**
	 * Finds the job that a start of a workflow with an idempotency key created: keys are unique per workflow.
	 * @param workflowName the workflow
	 * @param idempotencyKey the key
	 * @return the job, if there is one
	 */
	Optional<JobEntity> findByWorkflowNameAndIdempotencyKey(String workflowName, String idempotencyKey);

	/**
	 * Returns the ids of the child jobs an entry of a job's history started: at most one.
	 * @param parentEntryId the entry that waits for the child
	 * @return the child jobs
	 */
	@Query(value = "select id from wf_job where parent_entry_id = ?1", nativeQuery = true)
	List<UUID> findIdsByParentEntryId(UUID parentEntryId);

	/**
	 * Locks a job's row until the transaction ends, unless another transaction holds it.
	 * @param id the job
	 * @return the job's id if its row is now locked, else nothing
	 */
	@Query(value = "select id from wf_job where id = ?1 for update skip locked", nativeQuery = true)
	List<UUID> lockIdUnlessBusy(UUID id);

}

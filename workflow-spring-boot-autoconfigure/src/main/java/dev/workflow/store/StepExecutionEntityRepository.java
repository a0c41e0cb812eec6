package dev.workflow.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.workflow.api.StepStatus;
import jakarta.persistence.QueryHint;
import org.hibernate.jpa.HibernateHints;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.jpa.repository.QueryHints;
import org.springframework.data.repository.NoRepositoryBean;

/**
 * The general path of {@link StepExecutions}: history reads, lookups and the claims of the background work through
 * Spring Data JPA, in native SQL where a query locks rows or reads JSONB.
 * <p>
 * {@link NoRepositoryBean @NoRepositoryBean} keeps the application's repository scan from registering it as a bean
 * of its own: {@link StepExecutions} creates it.
 */
@NoRepositoryBean
interface StepExecutionEntityRepository extends JpaRepository<StepExecutionEntity, UUID> {

	/**
	 * Returns the entries of a job's history from a position on, in sequence, read-only: a replay only reads them,
	 * and the transaction's flush then has nothing to compare.
	 * @param jobId the job
	 * @param fromSequence the first position to return
	 * @return the entries, every attempt
	 */
	@Query("select s from StepExecutionEntity s where s.jobId = :jobId and s.sequence >= :from "
			+ "order by s.sequence, s.attempt")
	@QueryHints(@QueryHint(name = HibernateHints.HINT_READ_ONLY, value = "true"))
	List<StepExecutionEntity> readHistory(UUID jobId, int from);

	/**
	 * Returns the entries of a job's history of one step in a status, in sequence.
	 * @param jobId the job
	 * @param stepName the step
	 * @param status the status
	 * @return the entries
	 */
	List<StepExecutionEntity> findByJobIdAndStepNameAndStatusOrderBySequence(UUID jobId, String stepName,
			StepStatus status);

	/**
	 * Claims retries whose time has come, skipping those another instance holds.
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the claimed step executions, locked until the transaction ends
	 */
	@Query(value = "select * from wf_step_execution where status = 'SCHEDULED' and due_at <= ?1 "
			+ "order by due_at limit ?2 for update skip locked", nativeQuery = true)
	List<StepExecutionEntity> claimDueRetries(Instant now, int limit);

	/**
	 * Claims the step executions whose deadline has passed, skipping those another instance holds.
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the claimed step executions, locked until the transaction ends
	 */
	@Query(value = "select * from wf_step_execution where status in ('QUEUED', 'RUNNING') and lease_expires_at < ?1 "
			+ "order by lease_expires_at limit ?2 for update skip locked", nativeQuery = true)
	List<StepExecutionEntity> claimExpiredLeases(Instant now, int limit);

	/**
	 * Finds the entry of a job's history that waits for an event of a name, and locks it.
	 * @param jobId the job
	 * @param step the built-in step of event waits
	 * @param name the event's name
	 * @return the waiting entry, if there is one
	 */
	@Query(value = "select * from wf_step_execution where job_id = ?1 and step_name = ?2 "
			+ "and status = 'SCHEDULED' and input ->> 'name' = ?3 order by sequence limit 1 for update",
			nativeQuery = true)
	Optional<StepExecutionEntity> claimEventWait(UUID jobId, String step, String name);

	/**
	 * Cancels a job's step executions that have not started, skipping rows another transaction holds; see
	 * {@link StepExecutions#cancelPending}.
	 * @param jobId the job
	 * @param now the current time
	 * @param childEntry the name of the entries that wait for a child job, which are left alone
	 * @return how many were cancelled
	 */
	@Modifying
	@Query(value = """
			update wf_step_execution set status = 'CANCELLED', finished_at = ?2, version = version + 1
			where id in (
			  select id from wf_step_execution
			  where job_id = ?1 and status in ('SCHEDULED', 'QUEUED') and step_name <> ?3
			  for update skip locked)""", nativeQuery = true)
	int cancelPending(UUID jobId, Instant now, String childEntry);

}

package dev.workflow.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.JobStatus;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Query;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes jobs, step executions and outbox rows through JPA. Every method runs in the caller's
 * transaction.
 */
public class JobStore {

	private final EntityManager entityManager;

	public JobStore(EntityManager entityManager) {
		this.entityManager = entityManager;
	}

	public void persist(Object entity) {
		this.entityManager.persist(entity);
	}

	public @Nullable JobEntity findJob(UUID id) {
		return this.entityManager.find(JobEntity.class, id);
	}

	/**
	 * Reads a job and locks its row until the transaction ends.
	 * @param id the job
	 * @return the job, or {@code null}
	 */
	public @Nullable JobEntity lockJob(UUID id) {
		return this.entityManager.find(JobEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
	}

	public @Nullable StepExecutionEntity findStepExecution(UUID id) {
		return this.entityManager.find(StepExecutionEntity.class, id);
	}

	public @Nullable JobEntity findJobByIdempotencyKey(String key) {
		List<JobEntity> found = this.entityManager
			.createQuery("select j from JobEntity j where j.idempotencyKey = :key", JobEntity.class)
			.setParameter("key", key)
			.getResultList();
		return found.isEmpty() ? null : found.get(0);
	}

	/**
	 * Returns a job's step executions in sequence.
	 * @param jobId the job
	 * @return its history
	 */
	public List<StepExecutionEntity> history(UUID jobId) {
		return this.entityManager
			.createQuery("select s from StepExecutionEntity s where s.jobId = :jobId order by s.sequence, s.attempt",
					StepExecutionEntity.class)
			.setParameter("jobId", jobId)
			.getResultList();
	}

	/**
	 * Returns the entries of a job's history from a position on, in sequence.
	 * @param jobId the job
	 * @param fromSequence the first position to return
	 * @return the entries, every attempt
	 */
	public List<StepExecutionEntity> history(UUID jobId, int fromSequence) {
		return this.entityManager
			.createQuery("select s from StepExecutionEntity s where s.jobId = :jobId and s.sequence >= :from "
					+ "order by s.sequence, s.attempt", StepExecutionEntity.class)
			.setParameter("jobId", jobId)
			.setParameter("from", fromSequence)
			.getResultList();
	}

	/**
	 * Finds jobs, newest first.
	 * @param workflow only jobs of this workflow, if given
	 * @param status only jobs in this status, if given
	 * @param userContextJson only jobs whose user context contains this JSON object, if given
	 * @param limit at most this many
	 * @return the jobs
	 */
	@SuppressWarnings("unchecked")
	public List<JobEntity> find(@Nullable String workflow, @Nullable JobStatus status, @Nullable String userContextJson,
			int limit) {
		String sql = findSql(workflow != null, status != null, userContextJson != null);
		Query query = this.entityManager.createNativeQuery(sql, JobEntity.class);
		int position = 1;
		if (workflow != null) {
			query.setParameter(position++, workflow);
		}
		if (status != null) {
			query.setParameter(position++, status.name());
		}
		if (userContextJson != null) {
			query.setParameter(position++, userContextJson);
		}
		query.setParameter(position, limit);
		return query.getResultList();
	}

	/**
	 * Returns the statement {@link #find} runs, with JDBC placeholders in the order workflow, status, user context,
	 * limit. The user context condition is a JSONB containment ({@code @>}), which the GIN index on
	 * {@code user_context} serves.
	 * @param byWorkflow whether a workflow is given
	 * @param byStatus whether a status is given
	 * @param byUserContext whether a user context is given
	 * @return the SQL
	 */
	public static String findSql(boolean byWorkflow, boolean byStatus, boolean byUserContext) {
		List<String> conditions = new ArrayList<>();
		if (byWorkflow) {
			conditions.add("workflow_name = ?");
		}
		if (byStatus) {
			conditions.add("status = ?");
		}
		if (byUserContext) {
			conditions.add("user_context @> cast(? as jsonb)");
		}
		return "select * from wf_job" + (conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions))
				+ " order by created_at desc limit ?";
	}

	/**
	 * Claims a step execution for a worker: only one that is queued, or running under a lease that has lapsed, and
	 * only for the attempt the message names. The database decides, so of two deliveries of one message only one
	 * claims it.
	 * @param id the step execution
	 * @param attempt the attempt the message names
	 * @param workerId the worker
	 * @param now the current time
	 * @param leaseUntil when the worker's lease lapses unless renewed
	 * @return {@code true} if this worker now runs it
	 */
	public boolean claimStepExecution(UUID id, int attempt, String workerId, Instant now, Instant leaseUntil) {
		return this.entityManager
			.createQuery("update StepExecutionEntity s set s.status = :running, s.startedAt = :now, "
					+ "s.workerId = :worker, s.leaseExpiresAt = :until, s.version = s.version + 1 "
					+ "where s.id = :id and s.attempt = :attempt and (s.status = :queued "
					+ "or (s.status = :running and s.leaseExpiresAt < :now))")
			.setParameter("running", StepStatus.RUNNING)
			.setParameter("queued", StepStatus.QUEUED)
			.setParameter("now", now)
			.setParameter("worker", workerId)
			.setParameter("until", leaseUntil)
			.setParameter("id", id)
			.setParameter("attempt", attempt)
			.executeUpdate() == 1;
	}

	/**
	 * Claims retries whose time has come, skipping those another instance holds.
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the claimed step executions, locked until the transaction ends
	 */
	public List<StepExecutionEntity> claimDueRetries(Instant now, int limit) {
		return claim("select * from wf_step_execution where status = 'SCHEDULED' and due_at <= ? "
				+ "order by due_at limit ? for update skip locked", now, limit);
	}

	/**
	 * Claims running step executions whose worker has stopped renewing their lease.
	 * @param now the current time
	 * @param limit the most to claim
	 * @return the claimed step executions, locked until the transaction ends
	 */
	public List<StepExecutionEntity> claimExpiredLeases(Instant now, int limit) {
		return claim("select * from wf_step_execution where status = 'RUNNING' and lease_expires_at < ? "
				+ "order by lease_expires_at limit ? for update skip locked", now, limit);
	}

	@SuppressWarnings("unchecked")
	private List<StepExecutionEntity> claim(String sql, Instant now, int limit) {
		return this.entityManager.createNativeQuery(sql, StepExecutionEntity.class)
			.setParameter(1, now)
			.setParameter(2, limit)
			.getResultList();
	}

	/**
	 * Claims outbox rows older than a moment: those a crash left behind.
	 * @param before only rows created before this
	 * @param limit the most to claim
	 * @return the rows, locked until the transaction ends
	 */
	@SuppressWarnings("unchecked")
	public List<OutboxEntity> claimStaleOutbox(Instant before, int limit) {
		return this.entityManager
			.createNativeQuery("select * from wf_outbox where created_at < ? order by created_at limit ? "
					+ "for update skip locked", OutboxEntity.class)
			.setParameter(1, before)
			.setParameter(2, limit)
			.getResultList();
	}

	/**
	 * Extends the leases of step executions a worker is running.
	 * @param ids the step executions
	 * @param until the new expiry
	 * @return how many were still running
	 */
	public int renewLeases(Collection<UUID> ids, Instant until) {
		if (ids.isEmpty()) {
			return 0;
		}
		return this.entityManager
			.createQuery("update StepExecutionEntity s set s.leaseExpiresAt = :until "
					+ "where s.id in :ids and s.status = :running")
			.setParameter("until", until)
			.setParameter("ids", ids)
			.setParameter("running", StepStatus.RUNNING)
			.executeUpdate();
	}

	/**
	 * Cancels a job's step executions that have not started.
	 * @param jobId the job
	 * @param now the current time
	 * @return how many were cancelled
	 */
	public int cancelPendingSteps(UUID jobId, Instant now) {
		return this.entityManager
			.createQuery("update StepExecutionEntity s set s.status = :cancelled, s.finishedAt = :now "
					+ "where s.jobId = :jobId and s.status in :pending")
			.setParameter("cancelled", StepStatus.CANCELLED)
			.setParameter("now", now)
			.setParameter("jobId", jobId)
			.setParameter("pending", List.of(StepStatus.SCHEDULED, StepStatus.QUEUED))
			.executeUpdate();
	}

	/**
	 * Finds the oldest event of a name sent to a job and not yet taken, and locks it.
	 * @param jobId the job
	 * @param name the event's name
	 * @return the event, or {@code null}
	 */
	@SuppressWarnings("unchecked")
	public @Nullable EventEntity claimKeptEvent(UUID jobId, String name) {
		List<EventEntity> found = this.entityManager
			.createNativeQuery("select * from wf_event where job_id = ? and name = ? and consumed_at is null "
					+ "order by created_at limit 1 for update", EventEntity.class)
			.setParameter(1, jobId)
			.setParameter(2, name)
			.getResultList();
		return found.isEmpty() ? null : found.get(0);
	}

	/**
	 * Finds the entry of a job's history that waits for an event of a name, and locks it.
	 * @param jobId the job
	 * @param step the built-in step of event waits
	 * @param name the event's name
	 * @return the waiting entry, or {@code null}
	 */
	@SuppressWarnings("unchecked")
	public @Nullable StepExecutionEntity claimEventWait(UUID jobId, String step, String name) {
		List<StepExecutionEntity> found = this.entityManager
			.createNativeQuery("select * from wf_step_execution where job_id = ? and step_name = ? "
					+ "and status = 'SCHEDULED' and input ->> 'name' = ? order by sequence limit 1 for update",
					StepExecutionEntity.class)
			.setParameter(1, jobId)
			.setParameter(2, step)
			.setParameter(3, name)
			.getResultList();
		return found.isEmpty() ? null : found.get(0);
	}

	/**
	 * Deletes outbox rows whose messages the broker has confirmed.
	 * @param ids the rows
	 */
	public void deleteOutbox(Collection<UUID> ids) {
		if (!ids.isEmpty()) {
			this.entityManager.createQuery("delete from OutboxEntity o where o.id in :ids")
				.setParameter("ids", ids)
				.executeUpdate();
		}
	}

}

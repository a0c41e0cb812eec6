package dev.workflow.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.JobStatus;
import jakarta.persistence.EntityManager;
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

package dev.workflow.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.JobQuery;
import dev.workflow.api.JobStatus;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import org.hibernate.jpa.HibernateHints;
import org.jspecify.annotations.Nullable;

/**
 * Finds jobs by workflow, status, user context and creation time, newest first: the search behind {@code GET /jobs}
 * and {@code WorkflowClient.find}. A native query through JPA, built from the conditions the query has, because the
 * user context condition is a JSONB containment ({@code @>}) that only the operator, not a function, lets the GIN
 * index serve, and because a fixed statement with optional conditions ({@code ? is null or ...}) would keep the
 * planner from choosing an index per query.
 * <p>
 * The status is written into the statement as a literal, so that the planner proves the predicates of the partial
 * indexes of V18 under any plan: a status of an active job (QUEUED, RUNNING) reads the index of jobs not ended
 * ({@code wf_job_active_idx}), an ended status the index of outcomes ({@code wf_job_outcome_idx} with a workflow,
 * {@code wf_job_unsuccessful_idx} without one for FAILED, ABORTED and CANCELLED). On a million jobs (6 workflows; 2%
 * FAILED, 0.5% CANCELLED, 0.2% ABORTED; {@code EXPLAIN (ANALYZE, BUFFERS)}, the first 50, before V18 and after): one
 * workflow's FAILED jobs, a scan backwards of {@code wf_job_created_idx} that filtered 21,750 rows (1,940 buffers,
 * 4.4 ms), now 51 entries of {@code wf_job_outcome_idx} (60 buffers, 0.3 ms); its ABORTED jobs, 582,573 rows
 * filtered (28,587 buffers, 256 ms), now 56 buffers, 0.3 ms; CANCELLED jobs of all workflows, 13,149 rows filtered
 * (869 buffers, 2.8 ms), now 55 buffers of {@code wf_job_unsuccessful_idx}, 0.1 ms. QUEUED and RUNNING jobs come from the
 * 3,000 entries of {@code wf_job_active_idx} (about 110 buffers, 1 ms), however long ago they started. COMPLETED jobs,
 * most of them, still come from a scan backwards of {@code wf_job_created_idx} that stops after 50 (125 buffers).
 */
public class JobSearch {

	private final EntityManager entityManager;

	/**
	 * Creates the search.
	 * @param entityManager the shared entity manager
	 */
	public JobSearch(EntityManager entityManager) {
		this.entityManager = entityManager;
	}

	/**
	 * Finds jobs, newest first.
	 * @param query what to look for; its user context is given separately, as JSON
	 * @param userContextJson only jobs whose user context contains this JSON object, if given
	 * @return the jobs
	 */
	@SuppressWarnings("unchecked")
	public List<JobEntity> find(JobQuery query, @Nullable String userContextJson) {
		Query found = this.entityManager.createNativeQuery(findSql(query), JobEntity.class);
		int position = bind(found, query, userContextJson);
		found.setParameter(position++, query.limit());
		found.setParameter(position, query.offset());
		return found.setHint(HibernateHints.HINT_READ_ONLY, true).getResultList();
	}

	/**
	 * Returns the statement {@link #find} runs, with JDBC placeholders in the order workflow, user context, created
	 * after, created before (each only when the query has it), limit, offset. The status, if the query has one, is a
	 * literal. The user context condition is a JSONB containment ({@code @>}), which the GIN index on
	 * {@code user_context} serves.
	 * @param query the query
	 * @return the SQL
	 */
	public static String findSql(JobQuery query) {
		return "select * from wf_job" + where(query) + " order by created_at desc, id limit ? offset ?";
	}

	/**
	 * Returns the ids of the jobs a query matches, newest first, whatever its limit and offset: the jobs a bulk action
	 * acts on.
	 * @param query what to look for; its user context is given separately, as JSON
	 * @param userContextJson only jobs whose user context contains this JSON object, if given
	 * @param most the most ids to return
	 * @return the ids
	 */
	@SuppressWarnings("unchecked")
	public List<UUID> ids(JobQuery query, @Nullable String userContextJson, int most) {
		Query found = this.entityManager.createNativeQuery("select id from wf_job" + where(query)
				+ " order by created_at desc, id limit ?", UUID.class);
		int position = bind(found, query, userContextJson);
		found.setParameter(position, most);
		return found.getResultList();
	}

	/**
	 * Counts the jobs a query matches, whatever its limit and offset.
	 * @param query what to look for; its user context is given separately, as JSON
	 * @param userContextJson only jobs whose user context contains this JSON object, if given
	 * @return how many
	 */
	public long count(JobQuery query, @Nullable String userContextJson) {
		Query found = this.entityManager.createNativeQuery("select count(*) from wf_job" + where(query), Long.class);
		bind(found, query, userContextJson);
		return ((Number) found.getSingleResult()).longValue();
	}

	/**
	 * Binds the parameters of {@link #where}, and returns the position of the next.
	 */
	private static int bind(Query found, JobQuery query, @Nullable String userContextJson) {
		int position = 1;
		if (query.workflow() != null) {
			found.setParameter(position++, query.workflow());
		}
		if (query.userContext() != null) {
			found.setParameter(position++, userContextJson);
		}
		if (query.createdAfter() != null) {
			found.setParameter(position++, time(query.createdAfter()));
		}
		if (query.createdBefore() != null) {
			found.setParameter(position++, time(query.createdBefore()));
		}
		return position;
	}

	private static String where(JobQuery query) {
		List<String> conditions = new ArrayList<>();
		if (query.workflow() != null) {
			conditions.add("workflow_name = ?");
		}
		JobStatus status = query.status();
		if (status != null) {
			// Ended jobs have their status as their outcome, and only they have a finished_at (V18).
			conditions.add(status.isFinal() ? "outcome = '" + status.name() + "'"
					: "finished_at is null and status = '" + status.name() + "'");
		}
		if (query.userContext() != null) {
			conditions.add("user_context @> cast(? as jsonb)");
		}
		if (query.createdAfter() != null) {
			conditions.add("created_at >= ?");
		}
		if (query.createdBefore() != null) {
			conditions.add("created_at < ?");
		}
		return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
	}

	private static OffsetDateTime time(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

}

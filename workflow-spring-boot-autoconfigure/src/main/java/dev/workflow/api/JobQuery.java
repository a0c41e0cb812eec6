package dev.workflow.api;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What {@link WorkflowClient#find(JobQuery)} looks for. Immutable: each method returns a copy.
 * <pre class="code">
 * client.find(JobQuery.all().workflow("my_first_workflow").status(JobStatus.COMPLETED).userContext("user", "prryplatypus"));
 * </pre>
 *
 * @param workflow only jobs of this workflow
 * @param status only jobs in this status
 * @param userContext only jobs whose user context contains this JSON (containment, served by the GIN index)
 * @param limit at most this many jobs
 */
public record JobQuery(@Nullable String workflow, @Nullable JobStatus status, @Nullable Map<String, Object> userContext,
		int limit) {

	/**
	 * Returns a query for all jobs, at most 100.
	 * @return the query
	 */
	public static JobQuery all() {
		return new JobQuery(null, null, null, 100);
	}

	/**
	 * Returns a copy that looks only at jobs of a workflow.
	 * @param workflow the workflow's name
	 * @return the copy
	 */
	public JobQuery workflow(String workflow) {
		return new JobQuery(workflow, this.status, this.userContext, this.limit);
	}

	/**
	 * Returns a copy that looks only at jobs in a status.
	 * @param status the status
	 * @return the copy
	 */
	public JobQuery status(JobStatus status) {
		return new JobQuery(this.workflow, status, this.userContext, this.limit);
	}

	/**
	 * Returns a copy that looks only at jobs whose user context has a field with a value.
	 * @param field a top-level field of the user context
	 * @param value the value it must have
	 * @return the copy
	 */
	public JobQuery userContext(String field, Object value) {
		return new JobQuery(this.workflow, this.status, Map.of(field, value), this.limit);
	}

	/**
	 * Returns a copy that looks only at jobs whose user context contains a JSON object.
	 * @param contained the fields and values (nested objects allowed) the user context must contain
	 * @return the copy
	 */
	public JobQuery userContextContains(Map<String, Object> contained) {
		return new JobQuery(this.workflow, this.status, Map.copyOf(contained), this.limit);
	}

	/**
	 * Returns a copy that returns at most this many jobs.
	 * @param limit from 1 to 10,000
	 * @return the copy
	 */
	public JobQuery limit(int limit) {
		if (limit < 1 || limit > 10_000) {
			throw new IllegalArgumentException("limit must be from 1 to 10000, not " + limit);
		}
		return new JobQuery(this.workflow, this.status, this.userContext, limit);
	}

}

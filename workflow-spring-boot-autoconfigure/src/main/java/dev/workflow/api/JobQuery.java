package dev.workflow.api;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
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
 * @param createdAfter only jobs started at or after this time
 * @param createdBefore only jobs started before this time
 * @param offset how many of the jobs found to skip, newest first: with {@code limit}, a page
 * @param limit at most this many jobs
 */
public record JobQuery(@Nullable String workflow, @Nullable JobStatus status, @Nullable Map<String, Object> userContext,
		@Nullable Instant createdAfter, @Nullable Instant createdBefore, int offset, int limit) {

	/** The most jobs a query may skip. */
	public static final int MAX_OFFSET = 1_000_000;

	/**
	 * Returns a query for all jobs, at most 100.
	 * @return the query
	 */
	public static JobQuery all() {
		return new JobQuery(null, null, null, null, null, 0, 100);
	}

	/**
	 * Returns a copy that looks only at jobs of a workflow.
	 * @param workflow the workflow's name
	 * @return the copy
	 */
	public JobQuery workflow(String workflow) {
		return new JobQuery(workflow, this.status, this.userContext, this.createdAfter, this.createdBefore, this.offset,
				this.limit);
	}

	/**
	 * Returns a copy that looks only at jobs in a status.
	 * @param status the status
	 * @return the copy
	 */
	public JobQuery status(JobStatus status) {
		return new JobQuery(this.workflow, status, this.userContext, this.createdAfter, this.createdBefore, this.offset,
				this.limit);
	}

	/**
	 * Returns a copy that looks only at jobs whose user context has a field with a value.
	 * @param field a top-level field of the user context
	 * @param value the value it must have
	 * @return the copy
	 */
	public JobQuery userContext(String field, Object value) {
		return userContextContains(Map.of(field, value));
	}

	/**
	 * Returns a copy that looks only at jobs whose user context contains a JSON object.
	 * @param contained the fields and values (nested objects and {@code null} allowed) the user context must contain
	 * @return the copy
	 */
	public JobQuery userContextContains(Map<String, Object> contained) {
		return new JobQuery(this.workflow, this.status, Collections.unmodifiableMap(new LinkedHashMap<>(contained)),
				this.createdAfter, this.createdBefore, this.offset, this.limit);
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
		return new JobQuery(this.workflow, this.status, this.userContext, this.createdAfter, this.createdBefore,
				this.offset, limit);
	}

	/**
	 * Returns a copy that looks only at jobs started at or after a time.
	 * @param time the earliest start time
	 * @return the copy
	 */
	public JobQuery createdAfter(Instant time) {
		return new JobQuery(this.workflow, this.status, this.userContext, time, this.createdBefore, this.offset,
				this.limit);
	}

	/**
	 * Returns a copy that looks only at jobs started before a time.
	 * @param time the time all jobs found were started before
	 * @return the copy
	 */
	public JobQuery createdBefore(Instant time) {
		return new JobQuery(this.workflow, this.status, this.userContext, this.createdAfter, time, this.offset,
				this.limit);
	}

	/**
	 * Returns a copy that skips the first jobs found, newest first: {@code offset(page * size).limit(size)} reads a
	 * page.
	 * @param offset from 0 to {@link #MAX_OFFSET}
	 * @return the copy
	 */
	public JobQuery offset(int offset) {
		if (offset < 0 || offset > MAX_OFFSET) {
			throw new IllegalArgumentException("offset must be from 0 to " + MAX_OFFSET + ", not " + offset);
		}
		return new JobQuery(this.workflow, this.status, this.userContext, this.createdAfter, this.createdBefore,
				offset, this.limit);
	}

}

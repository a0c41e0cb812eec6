package dev.workflow.store;

import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Rows the store's tests work on, written as the engine leaves them.
 */
final class TestRows {

	private TestRows() {
	}

	/**
	 * Inserts a queued job of workflow {@code flaky} with the first attempt of its one step, queued.
	 * @param jdbc the database
	 * @param jobs where to add the job's id, for the test to delete it
	 * @return the step execution's id
	 */
	static UUID queuedExecution(JdbcTemplate jdbc, List<UUID> jobs) {
		UUID job = UUID.randomUUID();
		jobs.add(job);
		UUID execution = UUID.randomUUID();
		jdbc.update("insert into wf_job (id, workflow_name, status, user_context, step_count, created_at) "
				+ "values (?, 'flaky', 'QUEUED', '{}', 1, now())", job);
		jdbc.update("insert into wf_step_execution (id, job_id, sequence, step_name, attempt, status, created_at) "
				+ "values (?, ?, 0, 'flaky', 1, 'QUEUED', now())", execution, job);
		return execution;
	}

}

package dev.workflow.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The rows of {@code wf_workflow_pause}: the workflows whose steps are held rather than run. Every method runs in the
 * caller's transaction. A worker's claim of a step ({@link StepExecutions#claim}) reads the table in the same
 * statement, so that no step of a paused workflow starts once the pause has committed.
 */
public final class PausedWorkflows {

	/** Makes the held steps of a paused workflow's jobs due now; parameters: now, workflow. */
	private static final String RELEASE_HELD = "update wf_step_execution s set due_at = ?, version = s.version + 1 "
			+ "from wf_job j where j.id = s.job_id and j.workflow_name = ? and j.finished_at is null "
			+ "and s.status = 'SCHEDULED' and s.due_at = " + StepExecutions.HELD_DUE_AT;

	private final JdbcTemplate jdbc;

	/**
	 * Creates the rows.
	 * @param dataSource the data source of the entity manager's persistence unit, whose transactions they join
	 */
	public PausedWorkflows(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
	}

	/**
	 * Pauses a workflow.
	 * @param workflow the workflow
	 * @param now the time
	 * @return {@code false} if it was paused already
	 */
	public boolean pause(String workflow, Instant now) {
		return this.jdbc.update("insert into wf_workflow_pause (workflow_name, paused_at) values (?, ?) "
				+ "on conflict (workflow_name) do nothing", workflow, Sql.time(now)) > 0;
	}

	/**
	 * Resumes a workflow: deletes its pause and makes its held steps due now, for the background work to dispatch.
	 * @param workflow the workflow
	 * @param now the time
	 * @return how many held steps were made due, or {@code -1} if the workflow was not paused
	 */
	public int resume(String workflow, Instant now) {
		if (this.jdbc.update("delete from wf_workflow_pause where workflow_name = ?", workflow) == 0) {
			return -1;
		}
		return this.jdbc.update(RELEASE_HELD, Sql.time(now), workflow);
	}

	/**
	 * Returns the paused workflows.
	 * @return when each was paused, by name
	 */
	public Map<String, Instant> paused() {
		Map<String, Instant> paused = new TreeMap<>();
		this.jdbc.query("select workflow_name, paused_at from wf_workflow_pause", (rows) -> {
			paused.put(rows.getString(1), rows.getObject(2, OffsetDateTime.class).toInstant());
		});
		return paused;
	}

}

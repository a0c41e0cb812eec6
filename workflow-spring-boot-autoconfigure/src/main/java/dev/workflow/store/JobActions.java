package dev.workflow.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The rows of {@code wf_job_action}: what was done to a job by a bulk action, by whom and when. Every method runs in
 * the caller's transaction; a job's rows are deleted with it.
 */
public final class JobActions {

	private final JdbcTemplate jdbc;

	/**
	 * Creates the rows.
	 * @param dataSource the data source of the entity manager's persistence unit, whose transactions they join
	 */
	public JobActions(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
	}

	/**
	 * Records an action on a job.
	 * @param jobId the job
	 * @param action what was done
	 * @param actor who did it
	 * @param at when
	 */
	public void record(UUID jobId, String action, String actor, Instant at) {
		this.jdbc.update("insert into wf_job_action (job_id, action, actor, at) values (?, ?, ?, ?)", jobId, action,
				actor, Sql.time(at));
	}

	/**
	 * Returns the actions on a job, oldest first.
	 * @param jobId the job
	 * @return the actions
	 */
	public List<Row> list(UUID jobId) {
		return this.jdbc.query("select action, actor, at from wf_job_action where job_id = ? order by id",
				(rows, row) -> new Row(rows.getString(1), rows.getString(2),
						rows.getObject(3, OffsetDateTime.class).toInstant()),
				jobId);
	}

	/**
	 * An action on a job.
	 *
	 * @param action what was done
	 * @param actor who did it
	 * @param at when
	 */
	public record Row(String action, String actor, Instant at) {
	}

}

package dev.workflow.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The rows of {@code wf_schedule}: schedules that start jobs on cron expressions. Every method runs in the caller's
 * transaction. An instance fires a schedule holding its row ({@link #claimDue}, skipping rows another instance
 * holds), and moves its next fire time on in the same transaction ({@link #fired}).
 */
public final class ScheduleRows {

	private static final String COLUMNS = "name, workflow_name, cron, zone, input, missed_fires, declared, paused, "
			+ "next_fire_at, last_fire_at, last_job_id, last_error";

	/**
	 * Stores a declared schedule: a new one, or the stored one changed to what this release declares, keeping its
	 * pause, and its next fire time unless its cron expression or zone changed. Parameters: name, workflow, cron,
	 * zone, input, missed fires, next fire time, now.
	 */
	private static final String UPSERT_DECLARED = """
			insert into wf_schedule (name, workflow_name, cron, zone, input, missed_fires, declared, next_fire_at,
			  created_at, updated_at)
			values (?, ?, ?, ?, cast(? as jsonb), ?, true, ?, ?, ?)
			on conflict (name) do update set workflow_name = excluded.workflow_name, cron = excluded.cron,
			  zone = excluded.zone, input = excluded.input, missed_fires = excluded.missed_fires, declared = true,
			  next_fire_at = case when wf_schedule.cron = excluded.cron and wf_schedule.zone = excluded.zone
			    and wf_schedule.declared then wf_schedule.next_fire_at else excluded.next_fire_at end,
			  updated_at = excluded.updated_at
			  where (wf_schedule.workflow_name, wf_schedule.cron, wf_schedule.zone, wf_schedule.input,
			    wf_schedule.missed_fires, wf_schedule.declared) is distinct from (excluded.workflow_name,
			    excluded.cron, excluded.zone, excluded.input, excluded.missed_fires, true)""";

	/**
	 * Stores a schedule saved at run time, keeping the pause of the one it replaces; never replaces a declared one.
	 * Parameters as {@link #UPSERT_DECLARED}.
	 */
	private static final String UPSERT_SAVED = """
			insert into wf_schedule (name, workflow_name, cron, zone, input, missed_fires, declared, next_fire_at,
			  created_at, updated_at)
			values (?, ?, ?, ?, cast(? as jsonb), ?, false, ?, ?, ?)
			on conflict (name) do update set workflow_name = excluded.workflow_name, cron = excluded.cron,
			  zone = excluded.zone, input = excluded.input, missed_fires = excluded.missed_fires,
			  next_fire_at = excluded.next_fire_at, last_error = null, updated_at = excluded.updated_at
			  where not wf_schedule.declared""";

	/** The first due schedule of the given workflows that no other transaction holds, locked. */
	private static final String CLAIM_DUE = "select " + COLUMNS + " from wf_schedule where not paused "
			+ "and next_fire_at <= ? and workflow_name = any(?) order by next_fire_at limit 1 for update skip locked";

	private static final RowMapper<Row> ROW = ScheduleRows::row;

	private final JdbcTemplate jdbc;

	/**
	 * Creates the rows.
	 * @param dataSource the data source of the entity manager's persistence unit, whose transactions they join
	 */
	public ScheduleRows(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
	}

	/**
	 * Stores a declared schedule (see {@link dev.workflow.annotation.WorkflowSchedule}).
	 * @param schedule the schedule; its pause and last fire are not read
	 * @param now the time
	 */
	public void saveDeclared(Row schedule, Instant now) {
		upsert(UPSERT_DECLARED, schedule, now);
	}

	/**
	 * Stores a schedule saved at run time.
	 * @param schedule the schedule; its pause and last fire are not read
	 * @param now the time
	 * @return {@code false} if a declared schedule has that name, and nothing was stored
	 */
	public boolean save(Row schedule, Instant now) {
		return upsert(UPSERT_SAVED, schedule, now) > 0;
	}

	private int upsert(String sql, Row schedule, Instant now) {
		return this.jdbc.update(sql, schedule.name(), schedule.workflow(), schedule.cron(), schedule.zone(),
				schedule.input(), schedule.missedFires(), Sql.timeOrNull(schedule.nextFireAt()), Sql.time(now),
				Sql.time(now));
	}

	/**
	 * Deletes the declared schedules of the given workflows that are not among the given names: a release no longer
	 * declares them.
	 * @param workflows the workflows whose schedules this release declares
	 * @param names the names of the schedules it declares
	 * @return the names of the deleted schedules
	 */
	public List<String> deleteDeclaredExcept(Collection<String> workflows, Collection<String> names) {
		return this.jdbc.queryForList("delete from wf_schedule where declared and workflow_name = any(?) "
				+ "and name <> all(?) returning name", String.class, (Object) workflows.toArray(String[]::new),
				(Object) names.toArray(String[]::new));
	}

	/**
	 * Returns every schedule, by name.
	 * @return the schedules
	 */
	public List<Row> list() {
		return this.jdbc.query("select " + COLUMNS + " from wf_schedule order by name", ROW);
	}

	/**
	 * Returns a schedule.
	 * @param name its name
	 * @param lock whether to lock its row until the transaction ends
	 * @return the schedule, or {@code null} if there is none of that name
	 */
	public @Nullable Row find(String name, boolean lock) {
		List<Row> rows = this.jdbc.query("select " + COLUMNS + " from wf_schedule where name = ?"
				+ (lock ? " for update" : ""), ROW, name);
		return rows.isEmpty() ? null : rows.get(0);
	}

	/**
	 * Claims the first schedule due at the given time, of the given workflows, that no other transaction holds: its
	 * row stays locked until the transaction ends.
	 * @param now the time
	 * @param workflows the workflows whose jobs the caller can start
	 * @return the schedule, or {@code null} if none is due
	 */
	public @Nullable Row claimDue(Instant now, Collection<String> workflows) {
		List<Row> rows = this.jdbc.query(CLAIM_DUE, ROW, Sql.time(now), (Object) workflows.toArray(String[]::new));
		return rows.isEmpty() ? null : rows.get(0);
	}

	/**
	 * Records a schedule's fires and moves its next fire time on.
	 * @param name the schedule
	 * @param nextFireAt its next fire time, {@code null} if it never fires again
	 * @param lastFireAt the fire time of the last job started, {@code null} to keep the one recorded
	 * @param lastJobId the last job started, {@code null} to keep the one recorded
	 * @param error why the fires could not start jobs, {@code null} if they could
	 * @param now the time
	 */
	public void fired(String name, @Nullable Instant nextFireAt, @Nullable Instant lastFireAt,
			@Nullable UUID lastJobId, @Nullable String error, Instant now) {
		this.jdbc.update("update wf_schedule set next_fire_at = ?, last_fire_at = coalesce(?, last_fire_at), "
				+ "last_job_id = coalesce(?, last_job_id), last_error = ?, updated_at = ? where name = ?",
				Sql.timeOrNull(nextFireAt), Sql.timeOrNull(lastFireAt), lastJobId, error, Sql.time(now), name);
	}

	/**
	 * Pauses or resumes a schedule.
	 * @param name the schedule
	 * @param paused whether it is paused
	 * @param nextFireAt its next fire time
	 * @param now the time
	 * @return whether there is a schedule of that name
	 */
	public boolean setPaused(String name, boolean paused, @Nullable Instant nextFireAt, Instant now) {
		return this.jdbc.update("update wf_schedule set paused = ?, next_fire_at = ?, updated_at = ? where name = ?",
				paused, Sql.timeOrNull(nextFireAt), Sql.time(now), name) > 0;
	}

	/**
	 * Deletes a schedule.
	 * @param name the schedule
	 */
	public void delete(String name) {
		this.jdbc.update("delete from wf_schedule where name = ?", name);
	}

	private static Row row(ResultSet rows, int row) throws SQLException {
		return new Row(rows.getString("name"), rows.getString("workflow_name"), rows.getString("cron"),
				rows.getString("zone"), rows.getString("input"), rows.getString("missed_fires"),
				rows.getBoolean("declared"), rows.getBoolean("paused"),
				Sql.instant(rows.getObject("next_fire_at", OffsetDateTime.class)),
				Sql.instant(rows.getObject("last_fire_at", OffsetDateTime.class)),
				rows.getObject("last_job_id", UUID.class), rows.getString("last_error"));
	}

	/**
	 * A row of {@code wf_schedule}.
	 *
	 * @param name the schedule's name
	 * @param workflow its workflow
	 * @param cron its cron expression
	 * @param zone the id of the zone it is read in
	 * @param input the jobs' input as JSON, {@code null} for none
	 * @param missedFires the name of its {@link dev.workflow.api.MissedFires} policy
	 * @param declared whether it is declared with {@code @WorkflowSchedule}
	 * @param paused whether it is paused
	 * @param nextFireAt when it fires next
	 * @param lastFireAt the fire time of the last job it started
	 * @param lastJobId the last job it started
	 * @param lastError why its last fire could not start a job
	 */
	public record Row(String name, String workflow, String cron, String zone, @Nullable String input,
			String missedFires, boolean declared, boolean paused, @Nullable Instant nextFireAt,
			@Nullable Instant lastFireAt, @Nullable UUID lastJobId, @Nullable String lastError) {
	}

}

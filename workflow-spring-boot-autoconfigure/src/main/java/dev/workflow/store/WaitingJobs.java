package dev.workflow.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Finds the jobs of {@code wf_job} that wait for a place under their workflow's concurrency limits (status WAITING),
 * and those that may go now. Every method runs in the caller's transaction.
 * <p>
 * A workflow's admissions are serialised across instances by a transaction-scoped advisory lock on its name, so that
 * two instances never let through more jobs than there are places: each counts the running jobs after the other has
 * committed. The jobs are read through the index of jobs that have not ended ({@code wf_job_active_idx}), so the cost
 * of an admission follows the jobs of the workflow in flight, waiting ones included.
 */
public final class WaitingJobs {

	/** The first key of the engine's advisory locks on workflows; the second is the hash of the workflow's name. */
	private static final int LOCK_SPACE = 0x57464c43;

	/** Serialises the admissions of a workflow; parameter: the workflow. */
	private static final String LOCK = "select pg_advisory_xact_lock(" + LOCK_SPACE + ", hashtext(?))";

	/**
	 * The waiting jobs of a workflow that may go now, in the order they go: a job's standing is its priority plus one
	 * per aging period it has waited; within a key, at most as many as the key has free places (the best standing
	 * first, then the oldest); in all, at most as many as the workflow has free places. A debounced job goes once its
	 * window has passed. Parameters: workflow, now, aging period in seconds, now, places per key, most jobs, places
	 * in all.
	 */
	private static final String ADMISSIBLE = """
			with open as (
			  select id, status, concurrency_key, priority, created_at, not_before from wf_job
			  where workflow_name = ? and finished_at is null),
			running as (
			  select concurrency_key, count(*) as n from open where status <> 'WAITING' group by concurrency_key),
			waiting as (
			  select id, concurrency_key, created_at,
			    priority + floor(extract(epoch from (cast(? as timestamptz) - created_at)) / ?) as standing
			  from open where status = 'WAITING' and (not_before is null or not_before <= cast(? as timestamptz))),
			ranked as (
			  select w.*, row_number() over (partition by w.concurrency_key
			    order by w.standing desc, w.created_at, w.id) as place
			  from waiting w)
			select r.id from ranked r left join running k on k.concurrency_key = r.concurrency_key
			where r.concurrency_key is null or r.place <= ? - coalesce(k.n, 0)
			order by r.standing desc, r.created_at, r.id
			limit greatest(0, least(?, ? - (select count(*) from open where status <> 'WAITING')))""";

	/** The workflows that have waiting jobs. */
	private static final String WAITING_WORKFLOWS = """
			select distinct workflow_name from wf_job where finished_at is null and status = 'WAITING'""";

	private final JdbcTemplate jdbc;

	/**
	 * Creates the finder.
	 * @param dataSource the data source of the entity manager's persistence unit, whose transactions it joins
	 */
	public WaitingJobs(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
	}

	/**
	 * Takes the lock on a workflow's admissions until the transaction ends, waiting while another transaction holds
	 * it.
	 * @param workflow the workflow
	 */
	public void lock(String workflow) {
		this.jdbc.query(LOCK, (rows) -> null, workflow);
	}

	/**
	 * Returns the waiting jobs of a workflow that may go now, in the order they go; call it holding the workflow's
	 * {@link #lock lock}.
	 * @param workflow the workflow
	 * @param concurrency at most how many of its jobs run at once, {@code 0} for no limit
	 * @param keyConcurrency at most how many of its jobs with the same concurrency key run at once
	 * @param aging the wait that raises a job's priority by one
	 * @param most most jobs to return
	 * @param now the time
	 * @return the jobs
	 */
	public List<UUID> admissible(String workflow, int concurrency, int keyConcurrency, Duration aging, int most,
			Instant now) {
		double agingSeconds = Math.max(aging.toNanos() / 1e9, 1e-3);
		long places = (concurrency > 0) ? concurrency : Integer.MAX_VALUE;
		return this.jdbc.queryForList(ADMISSIBLE, UUID.class, workflow, Sql.time(now), agingSeconds, Sql.time(now),
				keyConcurrency, most, places);
	}

	/**
	 * Returns the workflows that have debounced jobs whose window passed within a period: those that waited longer
	 * wait for a place, and a job's end or the recheck asks for them.
	 * @param since the start of the period
	 * @param now the time
	 * @return their names
	 */
	public List<String> debouncedWorkflowsDue(Instant since, Instant now) {
		return this.jdbc.queryForList("select distinct workflow_name from wf_job where not_before <= ? "
				+ "and not_before > ?", String.class, Sql.time(now), Sql.time(since));
	}

	/**
	 * Returns the workflows that have jobs waiting for a place.
	 * @return their names
	 */
	public List<String> waitingWorkflows() {
		return this.jdbc.queryForList(WAITING_WORKFLOWS, String.class);
	}

}

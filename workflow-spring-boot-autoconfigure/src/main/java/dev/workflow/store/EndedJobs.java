package dev.workflow.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes jobs that ended long enough ago, with their step executions and kept events: the retention's queries.
 */
public final class EndedJobs {

	/** The advisory lock that lets one instance at a time delete expired jobs (the bytes of "wf-retn"). */
	private static final long RETENTION_LOCK = 0x77662d7265746eL;

	/** Takes the retention lock for the transaction, if it is free; parameter: the lock. */
	private static final String TRY_LOCK = "select pg_try_advisory_xact_lock(?)";

	/** Deletes the jobs of {@code expired} with their step executions, and counts them. */
	private static final String DELETE_JOBS = """
			jobs as (delete from wf_job where id in (select id from expired) returning id),
			steps as (delete from wf_step_execution where job_id in (select id from jobs))
			select count(*) from jobs""";

	/**
	 * Deletes a batch of ended jobs and their step executions (their events go through their foreign key);
	 * parameters: ended before, limit.
	 */
	private static final String DELETE_BATCH = """
			with expired as (
			  select id from wf_job
			  where finished_at is not null and finished_at < ? and status in""" + " " + Sql.FINAL_STATUSES + """

			  order by finished_at limit ?
			  for update skip locked),
			""" + DELETE_JOBS;

	/**
	 * Deletes the ended jobs a bulk action names that no other transaction holds and whose history has no entry that
	 * has not ended (a child being cancelled with them); parameter: the ids.
	 */
	private static final String DELETE_NAMED = """
			with expired as (
			  select id from wf_job j where id = any(?) and finished_at is not null
			    and not exists (select 1 from wf_step_execution s where s.job_id = j.id and s.finished_at is null)
			  for update skip locked),
			""" + DELETE_JOBS;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	/**
	 * Creates the retention's queries.
	 * @param jdbc the statements
	 * @param transactions the application's transactions, one for each batch
	 */
	public EndedJobs(JdbcTemplate jdbc, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	/**
	 * Deletes one batch of jobs that ended before a moment, oldest end first, with their step executions (and, through
	 * their foreign key, their kept events), in one statement and a transaction of its own, if no other instance is
	 * deleting jobs at the same time. The batch is read in order from the index on {@code finished_at}, and each job
	 * in it is locked and checked again on its newest version: a job that a retry holds or has reopened (RUNNING
	 * again, {@code finished_at} cleared) is left alone, with all its step executions.
	 * @param endedBefore only jobs that ended before this
	 * @param limit the most jobs to delete
	 * @return how many were deleted, or -1 if another instance holds the retention lock
	 */
	public int deleteBatch(Instant endedBefore, int limit) {
		Integer deleted = this.transactions.execute((status) -> {
			if (!Boolean.TRUE.equals(this.jdbc.queryForObject(TRY_LOCK, Boolean.class, RETENTION_LOCK))) {
				return -1;
			}
			return this.jdbc.queryForObject(DELETE_BATCH, Integer.class, Sql.time(endedBefore), limit);
		});
		return (deleted != null) ? deleted : 0;
	}

	/**
	 * Deletes the given jobs that have ended, in the caller's transaction, with their step executions (and, through
	 * their foreign keys, their kept events and bulk actions); a job that has not ended, that another transaction
	 * holds, or whose history still has an entry that has not ended (a child being cancelled with it, a step whose
	 * result is yet to be discarded) is left alone.
	 * @param ids the jobs
	 * @return how many were deleted
	 */
	public int deleteEnded(List<UUID> ids) {
		Integer deleted = this.jdbc.queryForObject(DELETE_NAMED, Integer.class, (Object) ids.toArray(UUID[]::new));
		return (deleted != null) ? deleted : 0;
	}

}

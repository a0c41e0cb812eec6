package dev.workflow.store;

import java.time.Instant;

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
			jobs as (delete from wf_job where id in (select id from expired) returning id),
			steps as (delete from wf_step_execution where job_id in (select id from jobs))
			select count(*) from jobs""";

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

}

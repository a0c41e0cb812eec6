package dev.workflow.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The token buckets of {@code wf_rate_limit}, one per rate-limited workflow, shared by every instance. A worker
 * takes a token before it claims a step ({@link #acquire}); when there is none, it reserves the next slot the rate
 * gives (the bucket goes below zero, one token per step that waits) and the step waits for it
 * ({@link StepExecutions#postpone}). So steps start at the rate however many wait, and each waiting step comes back
 * once, at its slot. Each statement commits on its own, as a worker's claim does.
 */
public final class RateLimits {

	/**
	 * Takes a token for a step execution, unless it reserved one before; parameters: execution, attempt, permits,
	 * now, rate per second, now, bucket. Answers whether it had a reservation, and the tokens left (below zero: the
	 * slots reserved ahead), or none if the bucket has no row yet.
	 */
	private static final String ACQUIRE = """
			with reserved as (
			  select coalesce((select rate_reserved from wf_step_execution where id = ? and attempt = ?), false) as r),
			taken as (
			  update wf_rate_limit set tokens = least(?, tokens + greatest(0, extract(epoch from
			      (cast(? as timestamptz) - updated_at))) * ?) - 1,
			    updated_at = greatest(updated_at, cast(? as timestamptz))
			  where name = ? and not (select r from reserved)
			  returning tokens)
			select (select r from reserved), (select tokens from taken)""";

	private final JdbcTemplate jdbc;

	/**
	 * Creates the buckets.
	 * @param dataSource the data source of the entity manager's persistence unit
	 */
	public RateLimits(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
	}

	/**
	 * Takes a token of a bucket for a step execution, or reserves the next slot.
	 * @param bucket the bucket (the workflow's name)
	 * @param execution the step execution
	 * @param attempt its attempt
	 * @param permits how many tokens the bucket holds at most: the burst after a quiet period
	 * @param perSecond how many tokens it gains per second
	 * @param now the time
	 * @return {@code null} if the step may start now (a token taken, or reserved before); else how long until its
	 * slot
	 */
	public @Nullable Duration acquire(String bucket, UUID execution, int attempt, int permits, double perSecond,
			Instant now) {
		for (int tries = 0; tries < 2; tries++) {
			List<Object[]> answer = this.jdbc.query(ACQUIRE, (rows, row) -> new Object[] { rows.getBoolean(1),
					rows.getObject(2, Double.class) }, execution, attempt, (double) permits, Sql.time(now), perSecond,
					Sql.time(now), bucket);
			boolean reserved = (Boolean) answer.get(0)[0];
			Double tokens = (Double) answer.get(0)[1];
			if (reserved) {
				return null;
			}
			if (tokens != null) {
				return (tokens >= 0) ? null : Duration.ofNanos((long) (-tokens / perSecond * 1e9));
			}
			// A bucket's first use: full.
			this.jdbc.update("insert into wf_rate_limit (name, tokens, updated_at) values (?, ?, ?) "
					+ "on conflict (name) do nothing", bucket, (double) permits, Sql.time(now));
		}
		throw new IllegalStateException("The rate limit of '" + bucket + "' has no row in wf_rate_limit");
	}

}

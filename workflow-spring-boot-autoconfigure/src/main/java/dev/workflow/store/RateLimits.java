package dev.workflow.store;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The token buckets of {@code wf_rate_limit}, shared by every instance: one per rate (a workflow's, a step's, a
 * pool's). Before a worker claims a step it takes a token from every bucket over the step ({@link #acquire}), all
 * at once and only if each has one, so that every rate is charged when the step really starts. If one has none, the
 * step reserves the next slot of the bucket it would wait longest for (the bucket goes below zero, one token per
 * waiting step), and waits for that slot ({@link StepExecutions#postpone}, which records the bucket). At its slot it
 * takes its reserved token and a token of each other bucket; if another has none by then, it reserves a slot of
 * that one instead, and gives its token back if no step reserved a slot after it (else the token is lost: the slot
 * it would give is that of the last step waiting). So each rate holds for the steps it lets start, however many
 * wait, at the price of a slot now and then where rates over the same step are both saturated.
 */
public final class RateLimits {

	/** Locks the rows of buckets, in the order of their names so that two workers never wait for each other. */
	private static final String LOCK = "select name, tokens, updated_at from wf_rate_limit where name = any(?) "
			+ "order by name for update";

	/**
	 * A rate that holds over a step.
	 *
	 * @param name the bucket's name: the workflow's name for a workflow's rate, {@code step:} and the step's name
	 * (after its workflow's, for a pipeline step) for a step's, {@code pool:} and the pool's for a pool's
	 * @param permits how many tokens the bucket holds at most: the burst after a quiet period
	 * @param perSecond how many tokens it gains per second
	 */
	public record Bucket(String name, int permits, double perSecond) {
	}

	/**
	 * A slot a step execution reserved.
	 *
	 * @param bucket the bucket it waits for
	 * @param delay how long until its slot
	 */
	public record Reservation(String bucket, Duration delay) {
	}

	private final JdbcTemplate jdbc;

	/**
	 * Creates the buckets.
	 * @param dataSource the data source of the entity manager's persistence unit
	 */
	public RateLimits(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
	}

	/**
	 * Creates the rows of buckets that have none yet, full. Each statement commits on its own, before
	 * {@link #acquire} locks them.
	 * @param buckets the buckets
	 * @param now the time
	 */
	public void create(List<Bucket> buckets, Instant now) {
		buckets.stream()
			.sorted((left, right) -> left.name().compareTo(right.name()))
			.forEach((bucket) -> this.jdbc.update("insert into wf_rate_limit (name, tokens, updated_at) values "
					+ "(?, ?, ?) on conflict (name) do nothing", bucket.name(), (double) bucket.permits(),
					Sql.time(now)));
	}

	/**
	 * Takes a token of every bucket over a step execution, or reserves a slot of one; in the caller's transaction,
	 * which the rows of the buckets stay locked for. A reservation must then be recorded on the step execution
	 * ({@link StepExecutions#postpone}) in the same transaction.
	 * @param buckets the buckets, each with a row ({@link #create})
	 * @param execution the step execution
	 * @param attempt its attempt
	 * @param now the time
	 * @return {@code null} if the step may start now (a token taken of each bucket); else the slot it reserved
	 */
	public @Nullable Reservation acquire(List<Bucket> buckets, UUID execution, int attempt, Instant now) {
		List<String> held = this.jdbc.queryForList("select rate_bucket from wf_step_execution where id = ? and "
				+ "attempt = ? and rate_bucket is not null", String.class, execution, attempt);
		String reserved = held.isEmpty() ? null : held.get(0);
		Map<String, Double> tokens = lock(buckets, now);
		Bucket longest = null;
		double longestWait = 0;
		for (Bucket bucket : buckets) {
			if (bucket.name().equals(reserved)) {
				continue;
			}
			double wait = (1 - tokens.get(bucket.name())) / bucket.perSecond();
			if (wait > longestWait) {
				longest = bucket;
				longestWait = wait;
			}
		}
		if (longest == null) {
			for (Bucket bucket : buckets) {
				if (!bucket.name().equals(reserved)) {
					store(bucket.name(), tokens.get(bucket.name()) - 1, now);
				}
			}
			return null;
		}
		store(longest.name(), tokens.get(longest.name()) - 1, now);
		Double mine = (reserved != null) ? tokens.get(reserved) : null;
		if (mine != null && mine >= 0) {
			// Its slot has come, but another rate has no room: with no slot reserved after it, the token goes back
			// for others to take now. (With some, it is lost: handed back, it would be the slot of the last of them.)
			store(reserved, Math.min(permits(buckets, reserved), mine + 1), now);
		}
		return new Reservation(longest.name(), Duration.ofNanos((long) Math.ceil(longestWait * 1e9)));
	}

	private static int permits(List<Bucket> buckets, String name) {
		return buckets.stream().filter((bucket) -> bucket.name().equals(name)).findFirst().orElseThrow().permits();
	}

	/**
	 * Locks the rows of buckets and answers the tokens each holds now, refilled since its last use.
	 */
	private Map<String, Double> lock(List<Bucket> buckets, Instant now) {
		Map<String, Bucket> byName = new HashMap<>();
		buckets.forEach((bucket) -> byName.put(bucket.name(), bucket));
		Map<String, Double> tokens = new HashMap<>();
		this.jdbc.query(LOCK, (rows) -> {
			Bucket bucket = byName.get(rows.getString(1));
			Instant updated = rows.getObject(3, OffsetDateTime.class).toInstant();
			double elapsed = Math.max(0, Duration.between(updated, now).toNanos() / 1e9);
			tokens.put(bucket.name(), Math.min(bucket.permits(), rows.getDouble(2) + elapsed * bucket.perSecond()));
		}, (Object) byName.keySet().toArray(String[]::new));
		if (tokens.size() != byName.size()) {
			throw new IllegalStateException("A rate limit among " + byName.keySet() + " has no row in wf_rate_limit");
		}
		return tokens;
	}

	/**
	 * Stores a bucket's tokens as they are at a time, unless a worker whose clock runs ahead used it later.
	 */
	private void store(String bucket, double tokens, Instant now) {
		this.jdbc.update("update wf_rate_limit set tokens = ?, updated_at = greatest(updated_at, ?) where name = ?",
				tokens, Sql.time(now), bucket);
	}

}

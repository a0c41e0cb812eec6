package dev.workflow.store;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * it would give is that of the last step waiting). So each rate holds for the steps it lets start, however many wait.
 * <p>
 * Under two rates that other steps keep busy, a step could go from one to the other for ever. After
 * {@value #STRICT_WAITS} waits it keeps the slots it holds and reserves one of each bucket that has no token, and
 * starts at the latest of them: it takes its place in every queue at once. Such a step starts without the tokens of
 * its earlier slots being taken again, so at that moment each rate may be exceeded by it, once.
 */
public final class RateLimits {

	/** How many times a step waits for one rate at a time before it holds its place under all of them. */
	public static final int STRICT_WAITS = 3;

	/** Separates the names of the buckets a waiting step holds slots of, in {@code rate_bucket}. */
	private static final String SEPARATOR = "\n";

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
	 * The slots a step execution holds while it waits.
	 *
	 * @param buckets the buckets it holds a slot of
	 * @param delay how long until the latest of them
	 * @param waits how many times it has waited under the rates, this time included
	 */
	public record Reservation(List<String> buckets, Duration delay, int waits) {

		/**
		 * Creates a reservation.
		 */
		public Reservation {
			buckets = List.copyOf(buckets);
		}

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
	 * @return {@code null} if the step may start now (a token taken of each bucket); else the slots it holds
	 * @throws MissingBucketException if a bucket has no row
	 */
	public @Nullable Reservation acquire(List<Bucket> buckets, UUID execution, int attempt, Instant now) {
		List<Map<String, Object>> rows = this.jdbc.queryForList("select rate_bucket, rate_waits from "
				+ "wf_step_execution where id = ? and attempt = ?", execution, attempt);
		Set<String> held = new LinkedHashSet<>();
		int waits = 0;
		if (!rows.isEmpty()) {
			Object names = rows.get(0).get("rate_bucket");
			if (names != null) {
				held.addAll(List.of(names.toString().split(SEPARATOR)));
			}
			waits = ((Number) rows.get(0).get("rate_waits")).intValue();
		}
		Map<String, Double> tokens = lock(buckets, now);
		List<Bucket> lacking = new ArrayList<>();
		for (Bucket bucket : buckets) {
			if (!held.contains(bucket.name()) && tokens.get(bucket.name()) < 1) {
				lacking.add(bucket);
			}
		}
		if (lacking.isEmpty()) {
			for (Bucket bucket : buckets) {
				if (!held.contains(bucket.name())) {
					store(bucket.name(), tokens.get(bucket.name()) - 1, now);
				}
			}
			return null;
		}
		if (waits >= STRICT_WAITS) {
			// It has waited its turn under one rate after another: it keeps its slots and joins every queue at once.
			double longest = 0;
			for (Bucket bucket : lacking) {
				longest = Math.max(longest, wait(bucket, tokens));
				store(bucket.name(), tokens.get(bucket.name()) - 1, now);
				held.add(bucket.name());
			}
			held.retainAll(buckets.stream().map(Bucket::name).toList());
			return new Reservation(List.copyOf(held), nanos(longest), waits + 1);
		}
		Bucket longest = lacking.get(0);
		for (Bucket bucket : lacking) {
			if (wait(bucket, tokens) > wait(longest, tokens)) {
				longest = bucket;
			}
		}
		store(longest.name(), tokens.get(longest.name()) - 1, now);
		for (Bucket bucket : buckets) {
			Double mine = tokens.get(bucket.name());
			if (held.contains(bucket.name()) && mine >= 0) {
				// Its slot has come, but another rate has no room: with no slot reserved after it, the token goes
				// back for others to take now. (With some, it is lost: handed back, it would be the last one's.)
				store(bucket.name(), Math.min(bucket.permits(), mine + 1), now);
			}
		}
		return new Reservation(List.of(longest.name()), nanos(wait(longest, tokens)), waits + 1);
	}

	/** How long, in seconds, until a bucket with these tokens has one. */
	private static double wait(Bucket bucket, Map<String, Double> tokens) {
		return (1 - tokens.get(bucket.name())) / bucket.perSecond();
	}

	private static Duration nanos(double seconds) {
		return Duration.ofNanos((long) Math.ceil(seconds * 1e9));
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
			throw new MissingBucketException("A rate limit among " + byName.keySet() + " has no row in wf_rate_limit");
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

	/**
	 * A bucket has no row: it was deleted after {@link #create} made it.
	 */
	public static final class MissingBucketException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		MissingBucketException(String message) {
			super(message);
		}

	}

}

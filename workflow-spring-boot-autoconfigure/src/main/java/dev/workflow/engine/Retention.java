package dev.workflow.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import dev.workflow.store.EndedJobs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Deletes jobs that ended (completed, failed, aborted or cancelled) longer ago than a configured age, with their
 * history and the events kept for them, in batches. Every instance may run it; a PostgreSQL advisory lock lets one
 * at a time do so, and the others skip their turn.
 */
public class Retention {

	private static final Log logger = LogFactory.getLog(Retention.class);

	private final EndedJobs endedJobs;

	private final Duration maxAge;

	private final int batchSize;

	private final Duration interval;

	private final Clock clock;

	private final AtomicLong deleted = new AtomicLong();

	/**
	 * Creates the retention.
	 * @param endedJobs the retention's queries
	 * @param maxAge how long after its end a job is kept
	 * @param batchSize the most jobs deleted in one transaction
	 * @param interval how often expired jobs are looked for
	 * @param clock the clock
	 */
	public Retention(EndedJobs endedJobs, Duration maxAge, int batchSize, Duration interval, Clock clock) {
		if (maxAge.isNegative() || maxAge.isZero()) {
			throw new IllegalArgumentException("workflow.retention.max-age must be positive, not " + maxAge);
		}
		if (batchSize < 1) {
			throw new IllegalArgumentException("workflow.retention.batch-size must be at least 1, not " + batchSize);
		}
		this.endedJobs = endedJobs;
		this.maxAge = maxAge;
		this.batchSize = batchSize;
		this.interval = interval;
		this.clock = clock;
	}

	/**
	 * Deletes the jobs that ended before the retention age, batch after batch, unless another instance is doing so.
	 * @return how many jobs were deleted
	 */
	public long deleteExpired() {
		Instant endedBefore = this.clock.instant().minus(this.maxAge);
		long total = 0;
		while (true) {
			int count = this.endedJobs.deleteBatch(endedBefore, this.batchSize);
			if (count < 0) {
				logger.debug("Another instance deletes expired jobs now");
				break;
			}
			if (count > 0) {
				this.deleted.addAndGet(count);
				total += count;
			}
			if (count < this.batchSize) {
				break;
			}
		}
		if (total > 0) {
			logger.info("Deleted " + total + " jobs that ended before " + endedBefore);
		}
		return total;
	}

	/**
	 * Returns how many jobs this instance has deleted since it started: a meter's value.
	 * @return the count
	 */
	public long deletedJobs() {
		return this.deleted.get();
	}

	/**
	 * Returns how often expired jobs are looked for.
	 * @return the interval
	 */
	public Duration interval() {
		return this.interval;
	}

	/**
	 * Returns how long after its end a job is kept.
	 * @return the age
	 */
	public Duration maxAge() {
		return this.maxAge;
	}

}

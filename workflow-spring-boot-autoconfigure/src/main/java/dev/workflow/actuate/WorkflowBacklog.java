package dev.workflow.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import dev.workflow.store.JobStatistics;
import org.jspecify.annotations.Nullable;

/**
 * What waits for the engine's background work on all instances together: outbox rows not yet published, due work
 * (retries, timers and timeouts whose time has come, and running steps whose lease has lapsed) not yet dispatched,
 * steps queued per worker pool, and steps that wait for an instance able to run them. Read with a few queries, at most
 * once per refresh interval however many gauges and health checks ask; a caller that comes while another one reads
 * gets the previous reading.
 */
public class WorkflowBacklog {

	private final JobStatistics statistics;

	private final Duration refreshInterval;

	private final Clock clock;

	private final ReentrantLock reading = new ReentrantLock();

	private volatile @Nullable Reading last;

	/**
	 * Creates the backlog.
	 * @param statistics the statistics it reads
	 * @param refreshInterval how long a reading is reused
	 * @param clock the clock, the one due times are written with
	 */
	public WorkflowBacklog(JobStatistics statistics, Duration refreshInterval, Clock clock) {
		if (refreshInterval.isNegative()) {
			throw new IllegalArgumentException("workflow.backlog.refresh-interval must not be negative, not "
					+ refreshInterval);
		}
		this.statistics = statistics;
		this.refreshInterval = refreshInterval;
		this.clock = clock;
	}

	/**
	 * Returns the latest reading, reading the database if it is older than the refresh interval.
	 * @return the reading; its failure, if the database could not be read
	 */
	public Reading read() {
		Reading previous = this.last;
		if (previous != null && !isStale(previous)) {
			return previous;
		}
		if (previous != null && !this.reading.tryLock()) {
			return previous;
		}
		if (previous == null) {
			this.reading.lock();
		}
		try {
			Reading current = this.last;
			if (current != null && current != previous && !isStale(current)) {
				return current;
			}
			Instant now = this.clock.instant();
			try {
				current = new Reading(now, this.statistics.backlog(now), this.statistics.unrunnableWork(), null);
			}
			catch (RuntimeException ex) {
				current = new Reading(now, null, List.of(), ex.toString());
			}
			this.last = current;
			return current;
		}
		finally {
			this.reading.unlock();
		}
	}

	private boolean isStale(Reading reading) {
		return !reading.readAt().plus(this.refreshInterval).isAfter(this.clock.instant());
	}

	/**
	 * One reading of the backlog.
	 *
	 * @param readAt when it was read
	 * @param backlog what waited then, or {@code null} if the database could not be read
	 * @param unrunnable the queued steps that waited for an instance able to run them (instances without their code
	 * handed them back), by workflow and step
	 * @param failure why the database could not be read, or {@code null}
	 */
	public record Reading(Instant readAt, JobStatistics.@Nullable Backlog backlog, List<JobStatistics.StepGroup> unrunnable,
			@Nullable String failure) {

		/**
		 * Returns how many queued steps waited for an instance able to run them.
		 * @return the count
		 */
		public long unrunnableSteps() {
			return this.unrunnable.stream().mapToLong(JobStatistics.StepGroup::steps).sum();
		}

		/**
		 * Returns how long the due work that waited longest had waited when it was read.
		 * @return the age, zero when nothing was due or the database could not be read
		 */
		public Duration oldestDueAge() {
			Instant oldest = (this.backlog != null) ? this.backlog.oldestDue() : null;
			return (oldest != null && oldest.isBefore(this.readAt)) ? Duration.between(oldest, this.readAt)
					: Duration.ZERO;
		}

	}

}

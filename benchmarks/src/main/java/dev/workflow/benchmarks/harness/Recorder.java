package dev.workflow.benchmarks.harness;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntConsumer;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * What the steps of the system under test report, and what the measurements are computed from. One recording is
 * current at a time; a JVM measures one system, so the steps reach it statically.
 * <p>
 * Keys of measured jobs are decimal indexes; keys starting with {@code w} belong to the warm-up and only count as
 * finished.
 */
public final class Recorder {

	private static volatile Recording current = new Recording(0, true, (index) -> {
	});

	private Recorder() {
	}

	/**
	 * A step of the job starts.
	 * @param key the job's key
	 */
	public static void stepStarted(String key) {
		current.stepStarted(key);
	}

	/**
	 * A step of the job has done its work.
	 * @param key the job's key
	 */
	public static void stepEnded(String key) {
		current.stepEnded(key);
	}

	/**
	 * The job's work is done. Only the first call for a key counts.
	 * @param key the job's key
	 */
	public static void jobFinished(String key) {
		current.jobFinished(key);
	}

	static Recording start(int capacity, boolean sequential, IntConsumer onFinished) {
		Recording recording = new Recording(capacity, sequential, onFinished);
		current = recording;
		return recording;
	}

	/**
	 * The value of a latency histogram at a percentile.
	 * @param histogram a histogram of nanoseconds
	 * @param percentile between 0 and 100
	 * @return the value in milliseconds, or {@code null} without samples
	 */
	static @Nullable Double percentileMillis(Histogram histogram, double percentile) {
		return (histogram.getTotalCount() == 0) ? null : histogram.getValueAtPercentile(percentile) / 1e6;
	}

	/**
	 * The measurements of one part of a run (the warm-up, or the measured part).
	 */
	static final class Recording {

		/** Precision of the latency histograms: 0.1% of the value, whatever its size (HdrHistogram). */
		private static final int SIGNIFICANT_DIGITS = 3;

		private final boolean sequential;

		private final IntConsumer onFinished;

		private final AtomicLongArray submitted;

		private final AtomicLongArray lastEnd;

		private final AtomicLongArray finished;

		/** Nanoseconds from one step's end to the next one's start, to three significant digits. */
		final Histogram stepGaps = new ConcurrentHistogram(SIGNIFICANT_DIGITS);

		/** Nanoseconds from a job's submission to its end, to three significant digits. */
		final Histogram endToEnd = new ConcurrentHistogram(SIGNIFICANT_DIGITS);

		final AtomicLong stepsEnded = new AtomicLong();

		final AtomicInteger jobsFinished = new AtomicInteger();

		final AtomicInteger warmupFinished = new AtomicInteger();

		volatile long firstSubmit;

		volatile long lastFinish;

		Recording(int capacity, boolean sequential, IntConsumer onFinished) {
			this.sequential = sequential;
			this.onFinished = onFinished;
			this.submitted = new AtomicLongArray(capacity);
			this.lastEnd = new AtomicLongArray(capacity);
			this.finished = new AtomicLongArray(capacity);
		}

		void submitted(int index) {
			long now = System.nanoTime();
			if (this.firstSubmit == 0) {
				this.firstSubmit = now;
			}
			this.submitted.set(index, now);
		}

		int capacity() {
			return this.submitted.length();
		}

		void stepStarted(String key) {
			int index = index(key);
			if (index < 0 || !this.sequential) {
				return;
			}
			long previous = this.lastEnd.get(index);
			if (previous != 0) {
				this.stepGaps.recordValue(Math.max(0, System.nanoTime() - previous));
			}
		}

		void stepEnded(String key) {
			int index = index(key);
			if (index < 0) {
				return;
			}
			this.stepsEnded.incrementAndGet();
			this.lastEnd.set(index, System.nanoTime());
		}

		void jobFinished(String key) {
			if (key.startsWith("w")) {
				this.warmupFinished.incrementAndGet();
				return;
			}
			int index = index(key);
			if (index < 0) {
				return;
			}
			long now = System.nanoTime();
			if (!this.finished.compareAndSet(index, 0, now)) {
				return;
			}
			long start = this.submitted.get(index);
			if (start != 0) {
				this.endToEnd.recordValue(Math.max(0, now - start));
			}
			this.lastFinish = now;
			this.jobsFinished.incrementAndGet();
			this.onFinished.accept(index);
		}

		private int index(String key) {
			if (key.isEmpty() || key.charAt(0) == 'w') {
				return -1;
			}
			int index = Integer.parseInt(key);
			return (index < this.submitted.length()) ? index : -1;
		}

	}

}

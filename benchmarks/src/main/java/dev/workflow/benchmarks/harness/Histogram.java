package dev.workflow.benchmarks.harness;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A lock-free latency histogram of fixed size: 1 µs buckets below 10 ms, 1 ms buckets up to 100 s, so that
 * percentiles are exact to the microsecond where the targets lie and the memory it takes (about 0.5 MB) does not
 * depend on the number of samples.
 */
final class Histogram {

	private static final int FINE_LIMIT_MICROS = 10_000;

	private static final int COARSE_BUCKETS = 100_000;

	private final AtomicIntegerArray counts = new AtomicIntegerArray(FINE_LIMIT_MICROS + COARSE_BUCKETS);

	void record(long nanos) {
		long micros = Math.max(0, nanos / 1_000);
		int index = (micros < FINE_LIMIT_MICROS) ? (int) micros
				: (int) Math.min(FINE_LIMIT_MICROS + COARSE_BUCKETS - 1, FINE_LIMIT_MICROS + (micros - FINE_LIMIT_MICROS) / 1_000);
		this.counts.incrementAndGet(index);
	}

	long count() {
		long total = 0;
		for (int i = 0; i < this.counts.length(); i++) {
			total += this.counts.get(i);
		}
		return total;
	}

	/**
	 * The value at a percentile, in milliseconds.
	 * @param percentile between 0 and 100
	 * @return the value, or {@code null} without samples
	 */
	Double percentileMillis(double percentile) {
		long total = count();
		if (total == 0) {
			return null;
		}
		long rank = Math.max(1, (long) Math.ceil(total * percentile / 100.0));
		long seen = 0;
		for (int i = 0; i < this.counts.length(); i++) {
			seen += this.counts.get(i);
			if (seen >= rank) {
				double micros = (i < FINE_LIMIT_MICROS) ? i : FINE_LIMIT_MICROS + (i - FINE_LIMIT_MICROS) * 1_000.0;
				return micros / 1_000.0;
			}
		}
		throw new IllegalStateException("unreachable");
	}

}

package dev.workflow.benchmarks.harness;

/**
 * How jobs are offered to the system under test.
 */
public enum Load {

	/** All jobs submitted as fast as the submitters can; measures capacity. */
	FULL("full load"),

	/** Jobs submitted at a fixed moderate rate (100 jobs/s by default); measures latency when not saturated. */
	RATE("fixed rate"),

	/** A fixed number of jobs kept in flight for a fixed time (60 s by default); measures sustained throughput. */
	SUSTAINED("sustained");

	private final String title;

	Load(String title) {
		this.title = title;
	}

	public String title() {
		return this.title;
	}

}

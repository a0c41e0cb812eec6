package dev.workflow.benchmarks.harness;

/**
 * The measured workloads. Sizes are those of a full run; a smoke run scales the job counts down.
 */
public enum Scenario {

	/** (a) one-step jobs. */
	ONE_STEP("a", "one-step jobs", 10_000, 1),

	/** (b) ten-step pipelines, each step's result the next one's input. */
	PIPELINE("b", "ten-step pipelines", 2_000, 10),

	/** (c) ten-step workflows written as code, durable by replay. */
	ORCHESTRATED("c", "ten-step orchestrated workflows", 2_000, 10),

	/** (d) jobs that each run fifty steps in parallel. */
	FAN_OUT("d", "fan-out of 50 parallel steps", 100, 50),

	/** (e) the pipelines of (b), at most eight jobs at once ({@code @Workflow(concurrency = 8)}). */
	LIMITED("e", "ten-step pipelines, at most 8 at once", 2_000, 10),

	/** (f) the pipelines of (b), one job at a time per concurrency key, over 100 keys. */
	PER_KEY("f", "ten-step pipelines, one at a time per key of 100", 2_000, 10);

	/** How many concurrency keys the jobs of (f) share. */
	public static final int KEYS = 100;

	private final String letter;

	private final String title;

	private final int jobs;

	private final int stepsPerJob;

	Scenario(String letter, String title, int jobs, int stepsPerJob) {
		this.letter = letter;
		this.title = title;
		this.jobs = jobs;
		this.stepsPerJob = stepsPerJob;
	}

	public String letter() {
		return this.letter;
	}

	public String title() {
		return this.title;
	}

	public int jobs() {
		return this.jobs;
	}

	public int stepsPerJob() {
		return this.stepsPerJob;
	}

	/**
	 * Whether each step but the first follows one other step of its job, so that step-to-step latency is defined.
	 * @return {@code false} for the fan-out, whose steps all start together
	 */
	public boolean sequential() {
		return this != FAN_OUT;
	}

	public static Scenario of(String letterOrName) {
		for (Scenario scenario : values()) {
			if (scenario.letter.equalsIgnoreCase(letterOrName) || scenario.name().equalsIgnoreCase(letterOrName)) {
				return scenario;
			}
		}
		throw new IllegalArgumentException("Unknown scenario '" + letterOrName + "': use a to f");
	}

}

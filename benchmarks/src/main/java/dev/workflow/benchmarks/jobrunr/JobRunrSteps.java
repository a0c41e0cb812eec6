package dev.workflow.benchmarks.jobrunr;

import dev.workflow.benchmarks.harness.Recorder;

import org.jobrunr.scheduling.BackgroundJob;

/**
 * The JobRunr jobs of the benchmark. A step does no work of its own: it reports to {@link Recorder} and, if it is not
 * the job's last, enqueues the next step as a new JobRunr job, which is how a chain of jobs is written with JobRunr's
 * open-source API.
 */
public final class JobRunrSteps {

	private JobRunrSteps() {
	}

	/**
	 * Runs one step of a job.
	 * @param key the job's key
	 * @param step the step, from 1
	 * @param steps the job's number of steps
	 */
	public static void step(String key, int step, int steps) {
		Recorder.stepStarted(key);
		Recorder.stepEnded(key);
		if (step < steps) {
			int next = step + 1;
			BackgroundJob.enqueue(() -> step(key, next, steps));
		}
		else {
			Recorder.jobFinished(key);
		}
	}

}

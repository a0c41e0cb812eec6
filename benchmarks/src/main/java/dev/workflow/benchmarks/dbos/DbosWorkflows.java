package dev.workflow.benchmarks.dbos;

import dev.dbos.transact.DBOS;
import dev.dbos.transact.workflow.Workflow;
import dev.workflow.benchmarks.harness.Recorder;

/**
 * The workflows DBOS runs: functions whose steps go through {@link DBOS#runStep}, which records each step's result
 * before the function goes on. Steps do no work of their own: what is measured is the engine.
 */
interface DbosWorkflows {

	/**
	 * (a) one step.
	 * @param key the job's key
	 * @return the key
	 */
	String oneStep(String key);

	/**
	 * (b) and (c) ten steps in sequence, each step's result the next one's input.
	 * @param key the job's key
	 * @return the last step's result, the key
	 */
	String tenSteps(String key);

	/**
	 * The implementation, registered with {@link DBOS#registerProxy}.
	 */
	final class Impl implements DbosWorkflows {

		private final DBOS dbos;

		Impl(DBOS dbos) {
			this.dbos = dbos;
		}

		@Override
		@Workflow(name = "bench_one_step")
		public String oneStep(String key) {
			String result = this.dbos.runStep(() -> step(key), "step1");
			Recorder.jobFinished(key);
			return result;
		}

		@Override
		@Workflow(name = "bench_ten_steps")
		public String tenSteps(String key) {
			String value = key;
			for (int i = 1; i <= 10; i++) {
				String input = value;
				value = this.dbos.runStep(() -> step(input), "step" + i);
			}
			Recorder.jobFinished(key);
			return value;
		}

		private static String step(String key) {
			Recorder.stepStarted(key);
			Recorder.stepEnded(key);
			return key;
		}

	}

}

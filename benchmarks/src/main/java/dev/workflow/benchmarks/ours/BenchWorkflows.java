package dev.workflow.benchmarks.ours;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;
import dev.workflow.benchmarks.harness.Recorder;

import org.springframework.stereotype.Component;

/**
 * The workflows of the scenarios. Steps do no work of their own: what is measured is the engine.
 */
final class BenchWorkflows {

	private BenchWorkflows() {
	}

	static String step(String key) {
		Recorder.stepStarted(key);
		Recorder.stepEnded(key);
		return key;
	}

	static String last(String key) {
		step(key);
		Recorder.jobFinished(key);
		return key;
	}

	/** (a) one step. */
	@Component
	@Workflow(name = "bench_one_step")
	static class OneStep {

		@Step(order = 1)
		public String only(String key) {
			return last(key);
		}

	}

	/** (b) ten steps, each passing the key on as the next one's input. */
	@Component
	@Workflow(name = "bench_pipeline")
	static class Pipeline {

		@Step(order = 1)
		public String s1(String key) {
			return step(key);
		}

		@Step(order = 2)
		public String s2(String key) {
			return step(key);
		}

		@Step(order = 3)
		public String s3(String key) {
			return step(key);
		}

		@Step(order = 4)
		public String s4(String key) {
			return step(key);
		}

		@Step(order = 5)
		public String s5(String key) {
			return step(key);
		}

		@Step(order = 6)
		public String s6(String key) {
			return step(key);
		}

		@Step(order = 7)
		public String s7(String key) {
			return step(key);
		}

		@Step(order = 8)
		public String s8(String key) {
			return step(key);
		}

		@Step(order = 9)
		public String s9(String key) {
			return step(key);
		}

		@Step(order = 10)
		public String s10(String key) {
			return last(key);
		}

	}

	/** (e) the pipeline of (b), at most eight jobs at once. */
	@Component
	@Workflow(name = "bench_limited", concurrency = 8)
	static class Limited extends Pipeline {

	}

	/** (f) the pipeline of (b), one job at a time per concurrency key. */
	@Component
	@Workflow(name = "bench_per_key")
	static class PerKey extends Pipeline {

	}

	/** The step the code workflows call. */
	@Component
	static class Steps {

		@Step
		public String work(String key, int index) {
			return step(key);
		}

	}

	/** (c) ten steps called in sequence by code. */
	@Component
	@Workflow(name = "bench_orchestrated")
	static class Orchestrated {

		private final Steps steps;

		Orchestrated(Steps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String key) {
			for (int i = 0; i < 10; i++) {
				this.steps.work(key, i);
			}
			Recorder.jobFinished(key);
			return key;
		}

	}

	/** (d) fifty steps in parallel. */
	@Component
	@Workflow(name = "bench_fan_out")
	static class FanOut {

		private final Steps steps;

		FanOut(Steps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public int run(String key) {
			List<String> results = Workflows.all(IntStream.range(0, 50)
				.mapToObj((i) -> (Supplier<String>) () -> this.steps.work(key, i))
				.toList());
			Recorder.jobFinished(key);
			return results.size();
		}

	}

}

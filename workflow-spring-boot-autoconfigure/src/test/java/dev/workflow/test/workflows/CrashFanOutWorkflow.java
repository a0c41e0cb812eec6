package dev.workflow.test.workflows;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A fan-out of parallel steps that hang on the worker a test is going to kill, and complete on any other.
 */
@Component
@Workflow(name = "crash_fan_out")
public class CrashFanOutWorkflow {

	private final Parts parts;

	CrashFanOutWorkflow(Parts parts) {
		this.parts = parts;
	}

	@WorkflowMethod
	public int run(int width) {
		List<Integer> results = Workflows.all(IntStream.range(0, width)
			.mapToObj((i) -> (Supplier<Integer>) () -> this.parts.part(i))
			.toList());
		return results.stream().mapToInt(Integer::intValue).sum();
	}

	/**
	 * The parallel steps.
	 */
	@Component
	public static class Parts {

		private final String workerId;

		Parts(@Value("${workflow.worker.id:}") String workerId) {
			this.workerId = workerId;
		}

		@Step(timeout = "5m")
		public int part(int index) {
			if (this.workerId.equals("doomed-worker")) {
				try {
					new CountDownLatch(1).await(5, TimeUnit.MINUTES);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("interrupted", ex);
				}
			}
			return index * 10;
		}

	}

}

package dev.workflow.test.workflows;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.JobInfo;
import dev.workflow.api.StepOutcome;
import dev.workflow.api.Workflows;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Workflows whose steps record the trace id they run in, when the application has a tracer: a pipeline whose steps
 * take each of the engine's paths to the next step (a new step context, a retry dispatched by the background work, the
 * plain transition), and a workflow method with a child.
 */
public final class TracedWorkflows {

	/** What each step saw, in the order the steps ran. */
	public static final List<Seen> SEEN = new CopyOnWriteArrayList<>();

	private TracedWorkflows() {
	}

	/**
	 * What a step saw.
	 *
	 * @param jobId the job
	 * @param workflow the workflow
	 * @param step the step and, for steps of workflow methods, their input
	 * @param attempt the attempt, 0 when not known
	 * @param traceId the trace id of the current span, or {@code null} if there was none
	 */
	public record Seen(UUID jobId, String workflow, String step, int attempt, @Nullable String traceId) {
	}

	static void record(ObjectProvider<Tracer> tracer, String step, int attempt) {
		Tracer current = tracer.getIfAvailable();
		if (current == null) {
			return;
		}
		Span span = current.currentSpan();
		SEEN.add(new Seen(UUID.fromString(MDC.get("jobId")), MDC.get("workflow"), step, attempt,
				(span != null) ? span.context().traceId() : null));
	}

	/**
	 * Three steps: the first changes the step context, the second fails its first attempt.
	 */
	@Component
	@Workflow(name = "traced_pipeline", context = FlowContext.class)
	public static class Pipeline {

		private final ObjectProvider<Tracer> tracer;

		Pipeline(ObjectProvider<Tracer> tracer) {
			this.tracer = tracer;
		}

		@Step(order = 1)
		public Object tracedFirst(String input, JobInfo info) {
			record(this.tracer, info.step(), info.attempt());
			return StepOutcome.next(input + "-1").withStepContext(new FlowContext("traced"));
		}

		@Step(order = 2, maxAttempts = 3, initialDelay = "50ms", maxDelay = "100ms")
		public String tracedRetried(String input, JobInfo info) {
			record(this.tracer, info.step(), info.attempt());
			if (info.attempt() == 1) {
				throw new IllegalStateException("the first attempt fails");
			}
			return input + "-2";
		}

		@Step(order = 3)
		public String tracedLast(String input, JobInfo info) {
			record(this.tracer, info.step(), info.attempt());
			return input + "-3";
		}

	}

	/**
	 * The child of {@link Orchestration}.
	 */
	@Component
	@Workflow(name = "traced_child")
	public static class Child {

		private final ObjectProvider<Tracer> tracer;

		Child(ObjectProvider<Tracer> tracer) {
			this.tracer = tracer;
		}

		@Step(order = 1)
		public String tracedChildStep(String input, JobInfo info) {
			record(this.tracer, info.step(), info.attempt());
			return input + "-child";
		}

	}

	/**
	 * The steps of {@link Orchestration}.
	 */
	@Component
	public static class Steps {

		private final ObjectProvider<Tracer> tracer;

		Steps(ObjectProvider<Tracer> tracer) {
			this.tracer = tracer;
		}

		@Step
		public String tracedCall(String input) {
			record(this.tracer, "tracedCall " + input, 0);
			return input + "+";
		}

	}

	/**
	 * Two steps in sequence, a child, and one more step.
	 */
	@Component
	@Workflow(name = "traced_orchestration")
	public static class Orchestration {

		private final Steps steps;

		Orchestration(Steps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String input) {
			String first = this.steps.tracedCall(input + "-a");
			String second = this.steps.tracedCall(first + "-b");
			String child = Workflows.child("traced_child", second, String.class);
			return this.steps.tracedCall(child + "-c");
		}

	}

}

package dev.workflow.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Engine calls for workflow methods ({@link dev.workflow.annotation.WorkflowMethod @WorkflowMethod}). They are
 * valid only while a workflow method runs; a step that calls them gets an {@link IllegalStateException}.
 */
public final class Workflows {

	private static final ThreadLocal<Runtime> current = new ThreadLocal<>();

	private Workflows() {
	}

	/**
	 * Gives the job a new step context, which the steps the workflow calls afterwards receive through
	 * {@code @StepContext}.
	 * @param stepContext an instance of the workflow's context type
	 * @throws IllegalStateException if no workflow method is running on this thread (in a step, for example)
	 */
	public static void setStepContext(Object stepContext) {
		require("setStepContext").setStepContext(stepContext);
	}

	/**
	 * Sleeps durably: the job waits in the database, not in memory, and resumes after the duration even if every
	 * instance of the application restarted meanwhile.
	 * @param duration how long to wait
	 * @throws IllegalArgumentException if the sleep would end after 9999-12-31T23:59:59Z, the latest time the engine
	 * stores; the job fails with that message
	 */
	public static void sleep(Duration duration) {
		require("sleep").sleep(duration);
	}

	/**
	 * Runs step calls in parallel: each supplier calls one step; all are dispatched at once, and the results come
	 * back in the order of the suppliers once every step has completed.
	 * <pre class="code">
	 * List&lt;Integer&gt; sizes = Workflows.all(files.stream().map((f) -&gt; (Supplier&lt;Integer&gt;) () -&gt; steps.count(f)).toList());
	 * </pre>
	 * @param <T> the result type
	 * @param calls the step calls
	 * @return their results
	 */
	public static <T> List<T> all(List<Supplier<T>> calls) {
		return require("all").all(calls);
	}

	/**
	 * Runs step calls in parallel and returns the result of the first to complete. The winner is recorded in the
	 * job's history when this first returns, so every replay returns the same one. The others still run: while the
	 * job goes on their results are recorded, and once it has ended they are discarded. A losing step that fails
	 * (after its retries) does not fail the job: its result is never needed.
	 * @param <T> the result type
	 * @param calls the step calls, each calling exactly one step
	 * @return the result of the step that completed first
	 */
	public static <T> T any(List<Supplier<T>> calls) {
		return require("any").any(calls);
	}

	/**
	 * Starts a child job of a workflow and waits durably for its result.
	 * @param <T> the result type
	 * @param workflow the child workflow's name
	 * @param input the child job's input
	 * @param resultType the type the child's result is read as
	 * @return the child's result
	 * @throws JobFailedException in the parent (which then fails) if the child did not complete
	 */
	public static <T> T child(String workflow, @Nullable Object input, Class<T> resultType) {
		return require("child").child(workflow, input, resultType);
	}

	/**
	 * Waits durably for an event of a name sent to this job with {@link WorkflowClient#sendEvent}. An event sent
	 * before the workflow waits for it is kept until it does.
	 * @param <T> the payload type
	 * @param name the event's name
	 * @param timeout how long to wait at most
	 * @param payloadType the type the payload is read as
	 * @return the payload, or empty if the timeout passed first
	 * @throws IllegalArgumentException if the timeout would end after 9999-12-31T23:59:59Z, the latest time the
	 * engine stores; the job fails with that message
	 */
	public static <T> Optional<T> awaitEvent(String name, Duration timeout, Class<T> payloadType) {
		return require("awaitEvent").awaitEvent(name, timeout, payloadType);
	}

	/**
	 * Returns the current time, recorded the first time the workflow method gets here, and the same on every
	 * replay.
	 * @return the time
	 */
	public static Instant currentTime() {
		return require("currentTime").currentTime();
	}

	/**
	 * Returns a random number, recorded the first time the workflow method gets here, and the same on every replay.
	 * @return a random long
	 */
	public static long random() {
		return require("random").random();
	}

	/**
	 * Marks a change of a workflow method, so that jobs that passed this point under the old code keep the old path
	 * while the others take the new one. Returns {@code true} when the job runs the new code here: the job gets here
	 * now (its history ends here, so the engine records a marker for the change and reads it back on every replay),
	 * or its history records the marker here. Returns {@code false} when its history records something else here:
	 * the job passed this point under the old code, which must then run on unchanged to match what it recorded.
	 * <p>
	 * A change goes out in three releases:
	 * <pre class="code">
	 * // 1. Both paths: running jobs that began on the old one keep it.
	 * if (Workflows.patched("charge-before-ship")) {
	 * 	this.payments.charge(order);
	 * 	this.shipping.ship(order);
	 * }
	 * else {
	 * 	this.shipping.ship(order);
	 * 	this.payments.charge(order);
	 * }
	 *
	 * // 2. Once no job that took the old path runs any more: only the new path, and the marker is still read.
	 * Workflows.deprecatePatch("charge-before-ship");
	 * this.payments.charge(order);
	 * this.shipping.ship(order);
	 *
	 * // 3. Once no job that recorded the marker runs any more: the call goes.
	 * this.payments.charge(order);
	 * this.shipping.ship(order);
	 * </pre>
	 * Give each change an id of its own, and keep calling {@code patched} with it at the same point until its
	 * {@code deprecatePatch} release.
	 * @param changeId the change's id, unique within the workflow
	 * @return {@code true} to run the new code, {@code false} to run the old code
	 * @throws IllegalStateException if no workflow method is running on this thread, or inside the calls given to
	 * {@link #all} or {@link #any}
	 */
	public static boolean patched(String changeId) {
		return require("patched").patched(changeId);
	}

	/**
	 * Retires a change marked with {@link #patched(String)} once no job that passed it under the old code is running:
	 * reads the change's marker if the job's history records it here, records nothing otherwise. Code written
	 * {@code Workflows.deprecatePatch("x"); newPath();} therefore replays both the jobs that recorded the marker and
	 * those that began after it was deprecated; see {@link #patched(String)} for the three releases of a change.
	 * @param changeId the change's id, as given to {@link #patched(String)}
	 * @throws IllegalStateException if no workflow method is running on this thread, or inside the calls given to
	 * {@link #all} or {@link #any}
	 */
	public static void deprecatePatch(String changeId) {
		require("deprecatePatch").deprecatePatch(changeId);
	}

	/**
	 * Whether a workflow method is running on this thread.
	 * @return {@code true} if it is
	 */
	public static boolean inWorkflow() {
		return current.get() != null;
	}

	/**
	 * Returns the runtime of the workflow method running on this thread. For the engine.
	 * @return the runtime, or {@code null}
	 */
	public static @Nullable Runtime runtime() {
		return current.get();
	}

	/**
	 * Runs a workflow method with a runtime bound to this thread. For the engine.
	 * @param <T> the result type
	 * @param runtime the runtime
	 * @param body the workflow method's invocation
	 * @return what it returned
	 * @throws Exception what it threw
	 */
	public static <T> T runWith(Runtime runtime, Callable<T> body) throws Exception {
		Runtime previous = current.get();
		current.set(runtime);
		try {
			return body.call();
		}
		finally {
			if (previous != null) {
				current.set(previous);
			}
			else {
				current.remove();
			}
		}
	}

	private static Runtime require(String call) {
		Runtime runtime = current.get();
		if (runtime == null) {
			throw new IllegalStateException("Workflows." + call + " may only be called from a @WorkflowMethod while it "
					+ "runs. A step reads the step context through a @StepContext parameter and cannot change it; "
					+ "return a value and let the workflow set the context after the step returns.");
		}
		return runtime;
	}

	/**
	 * What engine calls do while a workflow method runs. Implemented by the engine.
	 */
	public interface Runtime {

		/**
		 * Replaces the job's step context.
		 * @param stepContext the new context
		 */
		void setStepContext(Object stepContext);

		/**
		 * Waits durably.
		 * @param duration how long
		 */
		void sleep(Duration duration);

		/**
		 * Runs step calls in parallel.
		 * @param <T> the result type
		 * @param calls the calls
		 * @return the results in order
		 */
		<T> List<T> all(List<Supplier<T>> calls);

		/**
		 * Runs step calls in parallel and returns the first result.
		 * @param <T> the result type
		 * @param calls the calls
		 * @return the result of the first to complete
		 */
		<T> T any(List<Supplier<T>> calls);

		/**
		 * Starts a child job and waits for its result.
		 * @param <T> the result type
		 * @param workflow the child workflow
		 * @param input its input
		 * @param resultType the result type
		 * @return the result
		 */
		<T> T child(String workflow, @Nullable Object input, Class<T> resultType);

		/**
		 * Waits durably for an event.
		 * @param <T> the payload type
		 * @param name the event's name
		 * @param timeout how long at most
		 * @param payloadType the payload type
		 * @return the payload, or empty after the timeout
		 */
		<T> Optional<T> awaitEvent(String name, Duration timeout, Class<T> payloadType);

		/**
		 * Returns the recorded current time.
		 * @return the time
		 */
		Instant currentTime();

		/**
		 * Returns a recorded random number.
		 * @return the number
		 */
		long random();

		/**
		 * Tells whether the job runs the new code of a change at this point, recording the change's marker when the
		 * job gets here now.
		 * @param changeId the change's id
		 * @return {@code true} for the new code
		 */
		boolean patched(String changeId);

		/**
		 * Reads the marker of a change if the history records it at this point.
		 * @param changeId the change's id
		 */
		void deprecatePatch(String changeId);

	}

}

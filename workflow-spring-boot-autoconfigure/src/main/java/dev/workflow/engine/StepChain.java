package dev.workflow.engine;

import dev.workflow.transport.StepMessage;
import org.jspecify.annotations.Nullable;

/**
 * The steps of one job a consumer's thread runs in-process, one after the other, after the one whose message it
 * received: {@link StepHandler} runs them, {@link StepCompletion} claims each for the worker while the chain is within
 * its bounds ({@code workflow.worker.chain-steps}, {@code workflow.worker.chain-time-slice}).
 */
final class StepChain {

	private final int maxSteps;

	private final long deadline;

	private int steps;

	private @Nullable StepMessage next;

	StepChain(EngineSettings settings) {
		this.maxSteps = settings.chainSteps();
		this.deadline = System.nanoTime() + settings.chainTimeSliceNanos();
	}

	/**
	 * Whether the step that completes now may be followed in-process: the chain is within its bounds.
	 */
	boolean mayContinue() {
		return this.steps < this.maxSteps && System.nanoTime() - this.deadline < 0;
	}

	/**
	 * Whether the step that runs now came from the chain, not from a message.
	 */
	boolean inProcess() {
		return this.steps > 0;
	}

	/**
	 * Records what the completion of the step that ran decided: the next step, claimed for this worker, or none.
	 */
	void continueWith(@Nullable StepMessage step) {
		this.next = step;
	}

	/**
	 * Takes the next step to run in-process, counting it.
	 */
	@Nullable StepMessage next() {
		StepMessage step = this.next;
		this.next = null;
		if (step != null) {
			this.steps++;
		}
		return step;
	}

}

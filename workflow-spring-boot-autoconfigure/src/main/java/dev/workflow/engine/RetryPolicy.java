package dev.workflow.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.workflow.api.NonRetryableStepException;
import dev.workflow.api.StepTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * When and how often a failed step runs again: exponential backoff with jitter, up to a number of attempts, never
 * for exceptions marked non-retryable.
 *
 * @param maxAttempts how many attempts at most, counting the first
 * @param initialDelay the wait before the first retry
 * @param multiplier the factor each further wait grows by
 * @param maxDelay the longest wait
 * @param jitter the share of each wait that is random, from 0 (none) to 1
 * @param nonRetryable exception types that are never retried
 */
record RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay, double jitter,
		List<Class<? extends Throwable>> nonRetryable) {

	/**
	 * Returns when the attempt after a failed one is due, or {@code null} if there is none.
	 * @param failedAttempt the attempt that failed, from 1
	 * @param failure what it threw
	 * @return the delay before the next attempt, or {@code null} if the step has failed for good
	 */
	@Nullable Duration retryDelay(int failedAttempt, Throwable failure) {
		if (failedAttempt >= this.maxAttempts || !retryable(failure)) {
			return null;
		}
		double base = this.initialDelay.toMillis() * Math.pow(this.multiplier, failedAttempt - 1);
		double capped = Math.min(base, this.maxDelay.toMillis());
		double spread = capped * this.jitter;
		double jittered = capped - spread + ThreadLocalRandom.current().nextDouble() * 2 * spread;
		return Duration.ofMillis(Math.max(0, Math.round(jittered)));
	}

	private boolean retryable(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof NonRetryableStepException) {
				return false;
			}
			for (Class<? extends Throwable> type : this.nonRetryable) {
				if (type.isInstance(cause) && !(cause instanceof StepTimeoutException)) {
					return false;
				}
			}
		}
		return true;
	}

}

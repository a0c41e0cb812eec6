package dev.workflow.registry;

import java.time.Duration;

import dev.workflow.api.WorkflowDefinitionException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

/**
 * How many jobs of a workflow may run at once, in all and per concurrency key, how long each may take, and how many
 * of its steps may start per period.
 *
 * @param concurrency at most how many jobs of the workflow run at once, {@code 0} for no limit
 * @param keyConcurrency at most how many jobs with the same concurrency key run at once
 * @param timeout how long a job may take from its start to its end, {@code null} for no deadline
 * @param rate at most how many of its step executions start per period, {@code null} for no rate limit
 */
public record FlowLimits(int concurrency, int keyConcurrency, @Nullable Duration timeout, @Nullable Rate rate) {

	/** No limit in all, one job at a time per key, no deadline, no rate limit. */
	public static final FlowLimits NONE = new FlowLimits(0, 1, null, null);

	/**
	 * A rate: at most {@code permits} per {@code period}.
	 *
	 * @param permits how many per period, 1 or more
	 * @param period the period, positive
	 */
	public record Rate(int permits, Duration period) {

		/**
		 * Returns how many per second.
		 * @return the rate per second
		 */
		public double perSecond() {
			return this.permits / (this.period.toNanos() / 1e9);
		}

		/**
		 * Reads a rate given as {@code "permits/period"}, such as {@code "20/1s"} or {@code "100/1m"}.
		 * @param value the rate as given; blank for none
		 * @param what what gives it, to begin the message of the error: {@code @Step(rateLimit = "x") of step 'a'}
		 * @return the rate, or {@code null} if the value is blank
		 * @throws IllegalArgumentException if the value is not a rate, or its permits or period are not positive
		 */
		public static @Nullable Rate parse(String value, String what) {
			if (value.isBlank()) {
				return null;
			}
			String notARate = what + " is not a rate: give permits/period, such as \"20/1s\" or \"100/1m\"";
			int slash = value.indexOf('/');
			if (slash < 0) {
				throw new IllegalArgumentException(notARate);
			}
			int permits;
			Duration period;
			try {
				permits = Integer.parseInt(value.substring(0, slash).trim());
				period = DurationStyle.detectAndParse(value.substring(slash + 1).trim());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(notARate, ex);
			}
			if (permits < 1 || period.isNegative() || period.isZero()) {
				throw new IllegalArgumentException(what + " must have 1 or more permits per positive period");
			}
			return new Rate(permits, period);
		}

		@Override
		public String toString() {
			return this.permits + "/" + this.period;
		}

	}

	/**
	 * Checks the limits of a workflow.
	 * @param concurrency the limit in all, {@code 0} for none
	 * @param keyConcurrency the limit per key
	 * @param timeout the timeout as {@code @Workflow(timeout)} gives it, {@code ""} for none
	 * @param where the workflow, for the error
	 * @return the limits
	 * @throws WorkflowDefinitionException if a limit is out of range, or the timeout does not parse or is not positive
	 */
	static FlowLimits of(int concurrency, int keyConcurrency, String timeout, String rateLimit, String where) {
		if (concurrency < 0) {
			throw new WorkflowDefinitionException("@Workflow(concurrency = " + concurrency + ") of " + where
					+ " is negative: give at most how many of its jobs run at once (1 or more), or 0 for no limit");
		}
		if (keyConcurrency < 1) {
			throw new WorkflowDefinitionException("@Workflow(keyConcurrency = " + keyConcurrency + ") of " + where
					+ " must be 1 or more: at most how many of its jobs with the same concurrency key run at once");
		}
		Duration deadline = null;
		if (!timeout.isBlank()) {
			try {
				deadline = DurationStyle.detectAndParse(timeout.trim());
			}
			catch (IllegalArgumentException ex) {
				throw new WorkflowDefinitionException("@Workflow(timeout = \"" + timeout + "\") of " + where
						+ " is not a duration: give one such as \"30m\" or \"PT30M\"", ex);
			}
			if (deadline.isNegative() || deadline.isZero()) {
				throw new WorkflowDefinitionException("@Workflow(timeout = \"" + timeout + "\") of " + where
						+ " must be positive: how long a job may take from its start to its end");
			}
		}
		return new FlowLimits(concurrency, keyConcurrency, deadline, annotationRate("Workflow", rateLimit, where));
	}

	/**
	 * Reads the {@code rateLimit} attribute of an annotation: {@code @Workflow} or {@code @Step}.
	 * @param annotation the annotation, for the error: {@code Workflow}
	 * @param rateLimit the attribute's value
	 * @param where the workflow or step, for the error
	 * @return the rate, or {@code null} for none
	 * @throws WorkflowDefinitionException if the value is not a rate
	 */
	static @Nullable Rate annotationRate(String annotation, String rateLimit, String where) {
		try {
			return Rate.parse(rateLimit, "@" + annotation + "(rateLimit = \"" + rateLimit + "\") of " + where);
		}
		catch (IllegalArgumentException ex) {
			throw new WorkflowDefinitionException(ex.getMessage(), ex);
		}
	}

	/**
	 * Whether every job of the workflow waits for a place: the workflow has a limit in all.
	 * @return {@code true} if it has one
	 */
	public boolean limited() {
		return this.concurrency > 0;
	}

	/**
	 * Whether the workflow's steps start at a limited rate.
	 * @return {@code true} if it has a rate limit
	 */
	public boolean rateLimited() {
		return this.rate != null;
	}

}

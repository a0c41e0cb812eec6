package dev.workflow.api;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Options for starting a job. Immutable: each method returns a copy.
 * <pre class="code">
 * client.start("my_first_workflow", 21, StartOptions.defaults().userContext(Map.of("user", "prryplatypus")));
 * </pre>
 *
 * @param userContext the job's user context: any value that writes as a JSON object (a Map, a record); stored with
 * the job, never changed, searchable with {@link JobQuery#userContext(String, Object)}
 * @param stepContext the job's initial step context, of the workflow's context type
 * @param idempotencyKey a key that makes the start idempotent: a second start of the same workflow with the same key
 * returns the job of the first; keys are unique per workflow, so the same key may start one job of each workflow
 * @param concurrencyKey a key that makes the job wait while {@code @Workflow(keyConcurrency)} jobs of the same
 * workflow with the same key run (one, by default)
 * @param priority the job's place among the jobs of its workflow that wait for a place under its concurrency limits,
 * from {@value #MIN_PRIORITY} to {@value #MAX_PRIORITY}, higher first
 * @param timeout how long the job may take from its start to its end, in place of its workflow's
 * {@code @Workflow(timeout)}; {@code null} keeps the workflow's
 * @param debounce collapses the starts with the same key within a window into one job, {@code null} for none
 */
public record StartOptions(@Nullable Object userContext, @Nullable Object stepContext,
		@Nullable String idempotencyKey, @Nullable String concurrencyKey, int priority, @Nullable Duration timeout,
		@Nullable Debounce debounce) {

	/** The lowest priority, that of a job started without one. */
	public static final int MIN_PRIORITY = 0;

	/** The highest priority. */
	public static final int MAX_PRIORITY = 100;

	private static final StartOptions DEFAULTS = new StartOptions(null, null, null, null, MIN_PRIORITY, null,
			null);

	/**
	 * Checks the options.
	 * @throws IllegalArgumentException if the priority is out of range, the concurrency key empty or longer than 200
	 * characters, or the timeout not positive
	 */
	public StartOptions {
		if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
			throw new IllegalArgumentException("A job's timeout must be positive, not " + timeout);
		}
		if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
			throw new IllegalArgumentException("A job's priority goes from " + MIN_PRIORITY + " to " + MAX_PRIORITY
					+ " (higher first), not " + priority);
		}
		if (concurrencyKey != null && (concurrencyKey.isEmpty() || concurrencyKey.length() > 200
				|| concurrencyKey.indexOf('\0') >= 0)) {
			throw new IllegalArgumentException("A concurrency key must have 1 to 200 characters, none of them "
					+ "U+0000, not '" + concurrencyKey + "'");
		}
		if (debounce != null && idempotencyKey != null) {
			throw new IllegalArgumentException("A debounced start collapses into the job its key names: it takes no "
					+ "idempotency key ('" + idempotencyKey + "')");
		}
	}

	/**
	 * Returns options with nothing set.
	 * @return the default options
	 */
	public static StartOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns a copy with the given user context.
	 * @param userContext a value that writes as a JSON object
	 * @return the copy
	 */
	public StartOptions userContext(@Nullable Object userContext) {
		return new StartOptions(userContext, this.stepContext, this.idempotencyKey, this.concurrencyKey,
				this.priority, this.timeout, this.debounce);
	}

	/**
	 * Returns a copy with the given initial step context.
	 * @param stepContext an instance of the workflow's context type
	 * @return the copy
	 */
	public StartOptions stepContext(@Nullable Object stepContext) {
		return new StartOptions(this.userContext, stepContext, this.idempotencyKey, this.concurrencyKey,
				this.priority, this.timeout, this.debounce);
	}

	/**
	 * Returns a copy with the given idempotency key: a later start of the same workflow with the same key returns the
	 * job this start created (also when both run at the same moment, on different instances). A start of another
	 * workflow with the same key creates a job of its own.
	 * @param idempotencyKey the key, 1 to 200 characters
	 * @return the copy
	 */
	public StartOptions idempotencyKey(@Nullable String idempotencyKey) {
		return new StartOptions(this.userContext, this.stepContext, idempotencyKey, this.concurrencyKey,
				this.priority, this.timeout, this.debounce);
	}

	/**
	 * Returns a copy with the given concurrency key: at most {@code @Workflow(keyConcurrency)} jobs of the workflow
	 * with the same key run at once (one, by default), across every instance, in start order; a job beyond that
	 * waits ({@link JobStatus#WAITING}) until one of them ends. Jobs of other keys run freely.
	 * <pre class="code">
	 * client.start("charge_card", payment, StartOptions.defaults().concurrencyKey("customer-" + customerId));
	 * </pre>
	 * @param concurrencyKey the key, 1 to 200 characters, or {@code null} for none
	 * @return the copy
	 */
	public StartOptions concurrencyKey(@Nullable String concurrencyKey) {
		return new StartOptions(this.userContext, this.stepContext, this.idempotencyKey, concurrencyKey,
				this.priority, this.timeout, this.debounce);
	}

	/**
	 * Returns a copy with the given priority: among the jobs of the workflow that wait for a place under its
	 * concurrency limits, higher priority goes first. A waiting job gains one level of priority per
	 * {@code workflow.flow.priority-aging} it waits, so a low one waits behind later higher ones for a bounded time
	 * only. It has no effect on jobs that do not wait (a workflow without limits, a job without a concurrency key).
	 * @param priority from {@value #MIN_PRIORITY} (the default) to {@value #MAX_PRIORITY}
	 * @return the copy
	 * @throws IllegalArgumentException if the priority is out of range
	 */
	public StartOptions priority(int priority) {
		return new StartOptions(this.userContext, this.stepContext, this.idempotencyKey, this.concurrencyKey,
				priority, this.timeout, this.debounce);
	}

	/**
	 * Returns a copy with the given timeout: past it, counted from this start, the job ends
	 * {@link JobStatus#TIMED_OUT TIMED_OUT} whatever it is doing (the result of a step still running is discarded,
	 * and its children end with it). It takes the place of the workflow's {@code @Workflow(timeout)}.
	 * @param timeout a positive duration, or {@code null} for the workflow's
	 * @return the copy
	 * @throws IllegalArgumentException if the timeout is not positive
	 */
	public StartOptions timeout(@Nullable Duration timeout) {
		return new StartOptions(this.userContext, this.stepContext, this.idempotencyKey, this.concurrencyKey,
				this.priority, timeout, this.debounce);
	}

	/**
	 * Returns a copy that debounces the start: starts of the workflow with the same key, each within the window of
	 * the one before, collapse into one job, which runs with the input, user context and step context of the latest
	 * once the window passes without a new start. Until then the job is {@link JobStatus#WAITING WAITING}, and each
	 * start returns its handle ({@link JobHandle#created()} is {@code true} for the first only). A start after the job
	 * has begun makes a new one.
	 * @param key the key: 1 to 200 characters
	 * @param window how long after a start the job waits for the next, positive
	 * @return the copy
	 * @throws IllegalArgumentException if the key or the window (positive, at most a year) is out of range
	 */
	public StartOptions debounce(String key, Duration window) {
		return new StartOptions(this.userContext, this.stepContext, this.idempotencyKey, this.concurrencyKey,
				this.priority, this.timeout, new Debounce(key, window));
	}

	/**
	 * A start's debouncing: the starts with the same key within the window of each other make one job.
	 *
	 * @param key the key, 1 to 200 characters
	 * @param window how long the job waits after a start for the next, positive, at most a year
	 */
	public record Debounce(String key, Duration window) {

		/** The longest window. */
		public static final Duration MAX_WINDOW = Duration.ofDays(365);

		/**
		 * Checks the debouncing.
		 * @throws IllegalArgumentException if the key is empty, longer than 200 characters or holds U+0000, or the
		 * window is not positive
		 */
		public Debounce {
			if (key == null || key.isEmpty() || key.length() > 200 || key.indexOf('\0') >= 0) {
				throw new IllegalArgumentException("A debounce key must have 1 to 200 characters, none of them "
						+ "U+0000, not '" + key + "'");
			}
			if (window == null || window.isNegative() || window.isZero() || window.compareTo(MAX_WINDOW) > 0) {
				throw new IllegalArgumentException("A debounce window must be positive and at most " + MAX_WINDOW
						+ ", not " + window);
			}
		}

	}

}

package dev.workflow.api;

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
 */
public record StartOptions(@Nullable Object userContext, @Nullable Object stepContext,
		@Nullable String idempotencyKey) {

	private static final StartOptions DEFAULTS = new StartOptions(null, null, null);

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
		return new StartOptions(userContext, this.stepContext, this.idempotencyKey);
	}

	/**
	 * Returns a copy with the given initial step context.
	 * @param stepContext an instance of the workflow's context type
	 * @return the copy
	 */
	public StartOptions stepContext(@Nullable Object stepContext) {
		return new StartOptions(this.userContext, stepContext, this.idempotencyKey);
	}

	/**
	 * Returns a copy with the given idempotency key: a later start of the same workflow with the same key returns the
	 * job this start created (also when both run at the same moment, on different instances). A start of another
	 * workflow with the same key creates a job of its own.
	 * @param idempotencyKey the key, 1 to 200 characters
	 * @return the copy
	 */
	public StartOptions idempotencyKey(@Nullable String idempotencyKey) {
		return new StartOptions(this.userContext, this.stepContext, idempotencyKey);
	}

}

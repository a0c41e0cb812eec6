package dev.workflow.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import dev.workflow.api.BulkResult;
import dev.workflow.api.JobQuery;
import dev.workflow.api.WorkflowClient;
import dev.workflow.store.DataAccessFailures;
import dev.workflow.store.EndedJobs;
import dev.workflow.store.JobActions;
import dev.workflow.store.JobSearch;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;

/**
 * Retries, cancels or deletes the jobs a query matches: the ids are read once, newest first, and each job is then
 * retried or cancelled in a transaction of its own through the same command as a single call (so no lock is held
 * longer than one job's change), with the action and its actor recorded in that transaction; deletions go a batch
 * at a time. A job the action does not apply to (not FAILED for a retry, ended for a cancel, not ended for a delete)
 * is skipped, with its reason.
 */
final class BulkActions {

	private static final Log logger = LogFactory.getLog(BulkActions.class);

	private static final int DELETE_BATCH = 100;

	private static final int MAX_ACTOR_LENGTH = 200;

	private final WorkflowEngine engine;

	private final JobSearch search;

	private final JobActions actions;

	private final EndedJobs endedJobs;

	BulkActions(WorkflowEngine engine, JobSearch search, JobActions actions, EndedJobs endedJobs) {
		this.engine = engine;
		this.search = search;
		this.actions = actions;
		this.endedJobs = endedJobs;
	}

	long count(JobQuery query) {
		Long count = this.engine.transactions().execute((status) -> this.search.count(query, probe(query)));
		return (count != null) ? count : 0;
	}

	BulkResult retryAll(JobQuery query, String actor) {
		return each(query, "retry", actor, this.engine::retry);
	}

	BulkResult cancelAll(JobQuery query, String actor) {
		return each(query, "cancel", actor, this.engine::cancel);
	}

	BulkResult deleteAll(JobQuery query, String actor) {
		List<UUID> ids = ids(query, actor);
		long done = 0;
		for (int from = 0; from < ids.size(); from += DELETE_BATCH) {
			List<UUID> batch = ids.subList(from, Math.min(ids.size(), from + DELETE_BATCH));
			Integer deleted = this.engine.transactions().execute((status) -> this.endedJobs.deleteEnded(batch));
			done += (deleted != null) ? deleted : 0;
		}
		long skipped = ids.size() - done;
		logger.info(actor + " deleted " + done + " of the " + ids.size() + " jobs matching " + query
				+ ((skipped > 0) ? " (" + skipped + " had not ended, or were being changed)" : ""));
		return new BulkResult("delete", ids.size(), done, skipped,
				(skipped > 0) ? List.of(skipped + " job(s) had not ended, had an entry not ended yet, or were being "
						+ "changed") : List.of());
	}

	private BulkResult each(JobQuery query, String action, String actor, Consumer<UUID> command) {
		List<UUID> ids = ids(query, actor);
		long done = 0;
		List<String> reasons = new ArrayList<>();
		for (UUID id : ids) {
			try {
				this.engine.transactions().executeWithoutResult((status) -> {
					command.accept(id);
					this.actions.record(id, action, actor, this.engine.clock().instant());
				});
				done++;
			}
			catch (DataAccessException ex) {
				if (DataAccessFailures.isUnreachable(ex)) {
					// No job after it would fare better: the caller learns what stopped it.
					throw ex;
				}
				reason(reasons, "Job " + id + ": " + ex.getMessage());
			}
			catch (RuntimeException ex) {
				// Not retryable or cancellable (any more), or refused for a reason of its own: left as it is.
				reason(reasons, ex.getMessage());
			}
		}
		long skipped = ids.size() - done;
		logger.info(actor + " " + ((action.equals("retry")) ? "retried" : "cancelled") + " " + done + " of the "
				+ ids.size() + " jobs matching " + query + ((skipped > 0) ? " (" + skipped + " skipped)" : ""));
		return new BulkResult(action, ids.size(), done, skipped, List.copyOf(reasons));
	}

	private static void reason(List<String> reasons, @Nullable String reason) {
		if (reasons.size() < BulkResult.MAX_REASONS) {
			reasons.add(String.valueOf(reason));
		}
	}

	private List<UUID> ids(JobQuery query, String actor) {
		if (actor.isBlank() || actor.length() > MAX_ACTOR_LENGTH) {
			throw new IllegalArgumentException("A bulk action needs the name of who does it, of 1 to "
					+ MAX_ACTOR_LENGTH + " characters");
		}
		List<UUID> ids = this.engine.transactions()
			.execute((status) -> this.search.ids(query, probe(query), WorkflowClient.MAX_BULK_JOBS + 1));
		if (ids == null) {
			return List.of();
		}
		if (ids.size() > WorkflowClient.MAX_BULK_JOBS) {
			throw new IllegalArgumentException("The filters match more than " + WorkflowClient.MAX_BULK_JOBS
					+ " jobs, the most one bulk action acts on: narrow them (a time range, say)");
		}
		return ids;
	}

	private @Nullable String probe(JobQuery query) {
		return userContextJson(this.engine.json(), query);
	}

	/**
	 * Returns the user context filter of a query as the JSON that {@link JobSearch} matches jobs with.
	 * @param json the engine's JSON
	 * @param query the query
	 * @return the JSON, {@code null} for a query without one
	 */
	static @Nullable String userContextJson(WorkflowJson json, JobQuery query) {
		return (query.userContext() != null)
				? json.write(json.toTree(query.userContext(), () -> "user context query"))
				: null;
	}

}

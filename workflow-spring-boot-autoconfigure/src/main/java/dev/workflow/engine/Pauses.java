package dev.workflow.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import dev.workflow.store.PausedWorkflows;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * Pauses and resumes workflows. While a workflow is paused its steps are held rather than run: a worker's claim of a
 * step reads the pause in the database, in the statement that would claim it (see
 * {@link dev.workflow.store.StepExecutions#claim}), and holds the step instead; running steps finish, and what they
 * dispatch is held in turn. A resume makes the held steps due now, and the background work dispatches them.
 * <p>
 * Each instance also keeps the set of paused workflows in memory, read again every poll of its background work, so
 * that a worker that runs a job's steps in-process stops doing so: the next step goes through the broker, and its
 * claim holds it.
 */
final class Pauses {

	private static final Log logger = LogFactory.getLog(Pauses.class);

	private final PausedWorkflows paused;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private volatile Set<String> known = Set.of();

	Pauses(PausedWorkflows paused, TransactionTemplate transactions, Clock clock) {
		this.paused = paused;
		this.transactions = transactions;
		this.clock = clock;
	}

	/**
	 * Pauses a workflow, in the caller's transaction if there is one.
	 * @param workflow the workflow
	 * @return {@code false} if it was paused already
	 */
	boolean pause(String workflow) {
		Boolean paused = this.transactions.execute((status) -> this.paused.pause(workflow, this.clock.instant()));
		EngineEvents.afterCommit(this::refresh);
		if (Boolean.TRUE.equals(paused)) {
			logger.info("Workflow '" + workflow + "' paused: its steps are held until it is resumed");
		}
		return Boolean.TRUE.equals(paused);
	}

	/**
	 * Resumes a workflow, in the caller's transaction if there is one: its held steps are due now.
	 * @param workflow the workflow
	 * @return {@code false} if it was not paused
	 */
	boolean resume(String workflow) {
		Integer released = this.transactions.execute((status) -> this.paused.resume(workflow, this.clock.instant()));
		EngineEvents.afterCommit(this::refresh);
		if (released == null || released < 0) {
			return false;
		}
		logger.info("Workflow '" + workflow + "' resumed: " + released + " held step(s) go on");
		return true;
	}

	/**
	 * Returns the paused workflows, from the database.
	 * @return when each was paused, by name
	 */
	Map<String, Instant> paused() {
		// One statement: no transaction of its own, as it runs every poll of every instance.
		return this.paused.paused();
	}

	/**
	 * Reads the paused workflows again: called by the background work, and after this instance pauses or resumes.
	 */
	void refresh() {
		this.known = Set.copyOf(paused().keySet());
	}

	/**
	 * Whether a workflow was paused when this instance last looked: a worker then runs no more of its steps
	 * in-process.
	 * @param workflow the workflow
	 * @return {@code true} if it is paused
	 */
	boolean isPaused(String workflow) {
		return this.known.contains(workflow);
	}

}

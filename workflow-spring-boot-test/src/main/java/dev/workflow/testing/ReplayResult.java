package dev.workflow.testing;

import java.util.Optional;
import java.util.UUID;

import dev.workflow.engine.HistoryReplay;

/**
 * The outcome of replaying one job's history against the current code.
 *
 * @param jobId the job's id
 * @param workflow its workflow's name
 * @param divergence where the current code first parts from the history, or empty if it replays the history
 */
public record ReplayResult(UUID jobId, String workflow, Optional<HistoryReplay.Divergence> divergence) {

	/**
	 * Whether the current code no longer matches the job's history.
	 * @return {@code true} if it diverged
	 */
	public boolean diverged() {
		return this.divergence.isPresent();
	}

	@Override
	public String toString() {
		return "job " + this.jobId + " of workflow '" + this.workflow + "': "
				+ this.divergence.map((found) -> found.sides() + "\n    " + found.description()).orElse("replays");
	}

}

package dev.workflow.engine;

/**
 * Thrown when a job's history holds an entry that only a newer release of its workflow can have written (the marker
 * of a {@link dev.workflow.api.Workflows#patched} change this code does not make), as happens during a rolling
 * deploy: this instance cannot decide for the job, and leaves it to an instance of that release instead of failing it.
 */
final class HistoryAheadException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient Replay.NondeterminismException mismatch;

	HistoryAheadException(Replay.NondeterminismException mismatch) {
		super("The history of this job was written by a newer release of workflow '" + mismatch.workflow()
				+ "': entry " + mismatch.position() + " records '" + mismatch.recordedStep() + "' "
				+ mismatch.recordedInput() + ", which this instance's code does not call there (it calls '"
				+ mismatch.calledStep() + "')", mismatch);
		this.mismatch = mismatch;
	}

	/**
	 * Returns the mismatch.
	 * @return the mismatch
	 */
	Replay.NondeterminismException mismatch() {
		return this.mismatch;
	}

}

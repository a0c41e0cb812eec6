package dev.workflow.engine;

import java.io.PrintWriter;
import java.io.StringWriter;

import dev.workflow.api.JobError;

/**
 * Turns a failure into the {@link JobError} that a step execution or a job records.
 */
final class JobErrors {

	private JobErrors() {
	}

	/**
	 * Returns the error a failure records: its type, message and stack trace.
	 * @param ex the failure
	 * @return the error
	 */
	static JobError of(Throwable ex) {
		StringWriter stack = new StringWriter();
		ex.printStackTrace(new PrintWriter(stack));
		return new JobError(ex.getClass().getName(), ex.getMessage(), stack.toString());
	}

}

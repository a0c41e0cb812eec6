package dev.workflow.api;

import org.jspecify.annotations.Nullable;

/**
 * Why a job or a step did not complete.
 * <p>
 * It is stored in PostgreSQL text columns, which cannot hold the character U+0000: the constructor replaces it with
 * U+FFFD (the replacement character) wherever it appears, as in the message of an exception about binary data.
 *
 * @param type the exception's class name, or a kind such as {@code aborted}
 * @param message the message
 * @param stackTrace the stack trace, when an exception caused it
 */
public record JobError(String type, @Nullable String message, @Nullable String stackTrace) {

	public JobError {
		type = type.replace('\0', '\uFFFD');
		message = (message != null) ? message.replace('\0', '\uFFFD') : null;
		stackTrace = (stackTrace != null) ? stackTrace.replace('\0', '\uFFFD') : null;
	}

}

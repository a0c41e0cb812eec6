package dev.workflow.api;

import org.jspecify.annotations.Nullable;

/**
 * Why a job or a step did not complete.
 *
 * @param type the exception's class name, or a kind such as {@code aborted}
 * @param message the message
 * @param stackTrace the stack trace, when an exception caused it
 */
public record JobError(String type, @Nullable String message, @Nullable String stackTrace) {

}

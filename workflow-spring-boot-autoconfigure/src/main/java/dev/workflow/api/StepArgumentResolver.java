package dev.workflow.api;

import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;

/**
 * Supplies step method arguments that are neither the input nor a context: a clock, a client, the current user.
 * Declare implementations as beans; they are consulted, in their {@code @Order}, after the engine's own resolvers
 * for {@code @UserContext}, {@code @StepContext} and {@link JobInfo}, and before the input.
 * <p>
 * {@link #supportsParameter(MethodParameter)} is asked once per parameter at start-up; a parameter no resolver
 * supports fails the start with a message naming it.
 */
public interface StepArgumentResolver {

	/**
	 * Whether this resolver supplies the parameter.
	 * @param parameter a step method's parameter
	 * @return {@code true} if it does
	 */
	boolean supportsParameter(MethodParameter parameter);

	/**
	 * Supplies the argument for one execution of a step.
	 * @param parameter the parameter
	 * @param jobInfo the step execution it is for
	 * @return the argument
	 */
	@Nullable Object resolveArgument(MethodParameter parameter, JobInfo jobInfo);

}

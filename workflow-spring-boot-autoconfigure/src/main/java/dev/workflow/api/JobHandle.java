package dev.workflow.api;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A handle on a job: its id, its state, and its result when it ends.
 *
 * @param <R> the type the job's result is read as
 */
public interface JobHandle<R> {

	/**
	 * Returns the job's id.
	 * @return the id
	 */
	UUID id();

	/**
	 * Returns whether the {@link WorkflowClient#start(String, Object, StartOptions) start} that returned this handle
	 * created the job: {@code false} when its idempotency key found the job an earlier start created, and for a
	 * handle from {@link WorkflowClient#handle(java.util.UUID, Class)}.
	 * @return whether this handle's start created the job
	 */
	boolean created();

	/**
	 * Reads the job's current status from the database.
	 * @return the status
	 */
	JobStatus status();

	/**
	 * Reads the job's current state from the database.
	 * @return the job
	 */
	Job job();

	/**
	 * Reads the job's history from the database: every attempt of every entry, in sequence, then attempt (see
	 * {@link WorkflowClient#history(UUID)}).
	 * @return the history
	 */
	List<StepExecution> history();

	/**
	 * Waits for the job to end and returns its result.
	 * @param timeout how long to wait at most
	 * @return the result, converted to the handle's result type ({@code null} when the last step returned nothing)
	 * @throws JobFailedException if the job ended FAILED, ABORTED or CANCELLED
	 * @throws JobTimeoutException if the job has not ended within the timeout
	 */
	@Nullable R await(Duration timeout);

	/**
	 * Returns a handle on the same job that reads the result as another type.
	 * @param <T> the result type
	 * @param resultType the result type
	 * @return the handle
	 */
	<T> JobHandle<T> as(Class<T> resultType);

}

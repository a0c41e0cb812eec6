package dev.workflow.api;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Starts jobs and looks them up. Inject it where jobs are started; every instance of the application can start
 * jobs, including those that run no steps.
 * <p>
 * The calls that change jobs ({@code start}, {@code cancel}, {@code retry}, {@code sendEvent}) join the caller's
 * transaction when there is one (a {@code @Transactional} method, or a step on a {@code @Transactional} bean): what
 * they store commits or rolls back with it, and the step messages they call for are published only once it has
 * committed, so a job started in a transaction that rolls back never existed. Without a transaction each call
 * commits on its own.
 */
public interface WorkflowClient {

	/**
	 * Starts a job of a workflow.
	 * @param workflow the workflow's name
	 * @param input the job's input, given to the first step; anything the engine's JSON mapper can write, or
	 * {@code null}
	 * @return a handle on the job
	 * @throws UnknownWorkflowException if no workflow has that name; nothing is stored
	 * @throws WorkflowSerializationException if the input cannot be written as JSON, or has the character U+0000 in
	 * a string or field name; nothing is stored
	 * @throws WorkflowPayloadTooLargeException if the input, or the first step's message, is larger than
	 * {@code workflow.max-payload-size}; nothing is stored
	 */
	default JobHandle<Object> start(String workflow, @Nullable Object input) {
		return start(workflow, input, StartOptions.defaults());
	}

	/**
	 * Starts a job of a workflow with options: user context, step context, idempotency key.
	 * @param workflow the workflow's name
	 * @param input the job's input, given to the first step
	 * @param options the options
	 * @return a handle on the job; with an idempotency key that an earlier start of this workflow used, the handle
	 * of that job
	 * @throws UnknownWorkflowException if no workflow has that name; nothing is stored
	 * @throws WorkflowSerializationException if the input or a context cannot be written as JSON, has the
	 * character U+0000 in a string or field name, or the step context is not of the workflow's context type; nothing
	 * is stored
	 * @throws WorkflowPayloadTooLargeException if the input, a context or the first step's message is larger than
	 * {@code workflow.max-payload-size}; nothing is stored
	 */
	JobHandle<Object> start(String workflow, @Nullable Object input, StartOptions options);

	/**
	 * Starts one job of a workflow per input, all with the same options, in one transaction: the jobs are inserted
	 * together and their first step messages published together, which costs far less per job than a start each.
	 * Every input is checked before anything is stored, so either all the jobs are started or none is. A very large
	 * list is one large transaction: start a few thousand at a time.
	 * @param workflow the workflow's name
	 * @param inputs the jobs' inputs, each given to its job's first step; an element may be {@code null}
	 * @param options the options every job gets (user context, step context); an idempotency key names one job and
	 * is refused here
	 * @return a handle on each job, in the order of the inputs
	 * @throws UnknownWorkflowException if no workflow has that name; nothing is stored
	 * @throws IllegalArgumentException if the options carry an idempotency key; nothing is stored
	 * @throws WorkflowSerializationException if an input or a context cannot be written as JSON, has the character
	 * U+0000 in a string or field name, or the step context is not of the workflow's context type; nothing is stored
	 * @throws WorkflowPayloadTooLargeException if an input, a context or a first step's message is larger than
	 * {@code workflow.max-payload-size}; nothing is stored
	 */
	List<JobHandle<Object>> startAll(String workflow, List<?> inputs, StartOptions options);

	/**
	 * Starts one job of a workflow per input, in one transaction; see
	 * {@link #startAll(String, List, StartOptions)}.
	 * @param workflow the workflow's name
	 * @param inputs the jobs' inputs
	 * @return a handle on each job, in the order of the inputs
	 */
	default List<JobHandle<Object>> startAll(String workflow, List<?> inputs) {
		return startAll(workflow, inputs, StartOptions.defaults());
	}

	/**
	 * Returns a handle on an existing job, whose result is read as the given type.
	 * @param <R> the result type
	 * @param jobId the job's id
	 * @param resultType the type the job's result is converted to
	 * @return the handle
	 * @throws JobNotFoundException if there is no such job
	 */
	<R> JobHandle<R> handle(UUID jobId, Class<R> resultType);

	/**
	 * Cancels a job: its steps that have not started never run, the result of one that runs is discarded, and the
	 * job ends CANCELLED.
	 * @param jobId the job's id
	 * @throws JobNotFoundException if there is no such job
	 * @throws JobNotCancellableException if the job has already ended
	 */
	void cancel(UUID jobId);

	/**
	 * Retries a job that FAILED from the step that failed: that step runs again as a new attempt with the same input,
	 * the job is RUNNING again and goes on as if the step had not failed. Attempts go on counting, so a step whose
	 * retry policy's attempts are spent gets exactly one more. A child job's retry does not revive a parent that
	 * failed with it. A job of a workflow with concurrency limits (or with a concurrency key) waits for a place
	 * again (WAITING) before it runs.
	 * @param jobId the job's id
	 * @throws JobNotFoundException if there is no such job
	 * @throws JobNotRetryableException if the job is not FAILED, or did not fail in a step of its own, or, for a job
	 * that waits for a place, a parallel step of its failed run has not ended yet
	 */
	void retry(UUID jobId);

	/**
	 * Counts the jobs a query matches, whatever its limit and offset: what a bulk action would act on.
	 * @param query the filters
	 * @return how many
	 */
	long count(JobQuery query);

	/**
	 * Retries every FAILED job a query matches (whatever its limit and offset), each in a transaction of its own as
	 * {@link #retry} does, recording on each who did it and when ({@link #actions}); the others are skipped.
	 * @param query the filters
	 * @param actor who does it
	 * @return what was done
	 * @throws IllegalArgumentException if the query matches more than {@value #MAX_BULK_JOBS} jobs
	 */
	BulkResult retryAll(JobQuery query, String actor);

	/**
	 * Cancels every job a query matches that has not ended (whatever its limit and offset), each in a transaction of
	 * its own as {@link #cancel} does, recording on each who did it and when; the others are skipped.
	 * @param query the filters
	 * @param actor who does it
	 * @return what was done
	 * @throws IllegalArgumentException if the query matches more than {@value #MAX_BULK_JOBS} jobs
	 */
	BulkResult cancelAll(JobQuery query, String actor);

	/**
	 * Deletes every job a query matches that has ended (whatever its limit and offset), with its history, in batches;
	 * jobs that have not ended are skipped. The deletion is logged with the actor.
	 * @param query the filters
	 * @param actor who does it
	 * @return what was done
	 * @throws IllegalArgumentException if the query matches more than {@value #MAX_BULK_JOBS} jobs
	 */
	BulkResult deleteAll(JobQuery query, String actor);

	/** The most jobs one bulk action acts on: narrow the filters (a time range, say) for more. */
	int MAX_BULK_JOBS = 100_000;

	/**
	 * Returns what bulk actions did to a job, oldest first.
	 * @param jobId the job's id
	 * @return the actions
	 */
	List<JobAction> actions(UUID jobId);

	/**
	 * Pauses a workflow, across every instance: no step of its jobs starts from the moment the pause commits (steps
	 * already running finish, and what they dispatch waits), and jobs started meanwhile are accepted and wait at
	 * their first step. Waiting steps hold no memory and no broker message. Deadlines go on counting.
	 * @param workflow the workflow
	 * @return {@code false} if it was paused already
	 * @throws UnknownWorkflowException if the workflow is not registered in this application
	 */
	boolean pause(String workflow);

	/**
	 * Resumes a paused workflow: the steps that waited are dispatched, and its jobs go on.
	 * @param workflow the workflow
	 * @return {@code false} if it was not paused
	 */
	boolean resume(String workflow);

	/**
	 * Sends an event to a job: a workflow method waiting for it with
	 * {@link Workflows#awaitEvent(String, java.time.Duration, Class)} goes on; if none waits yet, the event is kept
	 * until one does.
	 * @param jobId the job's id
	 * @param name the event's name
	 * @param payload the payload, anything the engine's JSON mapper can write
	 * @throws JobNotFoundException if there is no such job
	 * @throws JobEndedException if the job has ended
	 * @throws WorkflowSerializationException if the payload cannot be written as JSON, or the name or payload has the
	 * character U+0000; nothing is stored
	 * @throws WorkflowPayloadTooLargeException if the payload is larger than {@code workflow.max-payload-size};
	 * nothing is stored
	 * @throws WorkflowException if this instance runs an older release of the job's workflow method than the one that
	 * wrote its history (during a rolling deploy); nothing is stored, and the event can be sent again
	 */
	void sendEvent(UUID jobId, String name, @Nullable Object payload);

	/**
	 * Returns the current state of a job.
	 * @param jobId the job's id
	 * @return the job, or empty if there is none with that id
	 */
	Optional<Job> get(UUID jobId);

	/**
	 * Returns a job's history: every attempt of every entry, in sequence, then attempt.
	 * @param jobId the job's id
	 * @return the step executions
	 * @throws JobNotFoundException if there is no such job
	 */
	List<StepExecution> history(UUID jobId);

	/**
	 * Returns a summary of each workflow registered in this application and of any other that has jobs in the
	 * database, by name. It counts all jobs the database holds, so its cost grows with them: keep it out of hot
	 * paths, and let {@code workflow.retention} bound the table.
	 * @return the summaries
	 */
	List<WorkflowSummary> summaries();

	/**
	 * Finds jobs, newest first.
	 * @param query what to look for
	 * @return the jobs found, at most {@link JobQuery#limit()}
	 */
	List<Job> find(JobQuery query);

}

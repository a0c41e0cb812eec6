package dev.workflow.engine;

import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.workflow.api.JobStatus;
import dev.workflow.api.WorkflowEvent;
import dev.workflow.observation.DefaultJobEndObservationConvention;
import dev.workflow.observation.DefaultJobStartObservationConvention;
import dev.workflow.observation.DefaultStepObservationConvention;
import dev.workflow.observation.JobEndObservationContext;
import dev.workflow.observation.JobStartObservationContext;
import dev.workflow.observation.StepObservationContext;
import dev.workflow.observation.WorkflowObservation;
import dev.workflow.transport.PoisonMessageException;
import dev.workflow.transport.StepMessage;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The engine's observations (see {@link WorkflowObservation}). With a no-op registry every method runs its work and
 * nothing else: no context, no carrier, no trace context stored or sent.
 */
final class EngineObservations {

	private final ObservationRegistry registry;

	private final BooleanSupplier stopping;

	/**
	 * Creates the observations.
	 * @param registry the application's registry, or {@link ObservationRegistry#NOOP}
	 * @param stopping whether this instance is stopping, which makes a step that throws an interrupted one
	 */
	EngineObservations(ObservationRegistry registry, BooleanSupplier stopping) {
		this.registry = registry;
		this.stopping = stopping;
	}

	/**
	 * Starts a job inside its observation.
	 * @param workflow the workflow's name
	 * @param start starts the job with the trace context to store with it ({@code null} if there is none) and
	 * returns its id
	 * @return the job's id
	 */
	Started observeStart(String workflow, Function<@Nullable Map<String, String>, Started> start) {
		return observeStart(workflow, start, Started::jobId);
	}

	/**
	 * Runs a start of jobs inside its observation, whose trace context the jobs' steps continue.
	 * @param <T> what the start returns
	 * @param workflow the workflow's name
	 * @param start starts the jobs, given the propagation fields of the observation's trace, or {@code null}
	 * @param jobId the id of the job started, for the observation, or {@code null} when several are
	 * @return what the start returned
	 */
	<T> T observeStart(String workflow, Function<@Nullable Map<String, String>, T> start,
			Function<T, @Nullable UUID> jobId) {
		if (this.registry.isNoop()) {
			return start.apply(null);
		}
		JobStartObservationContext context = new JobStartObservationContext(workflow);
		Observation observation = WorkflowObservation.JOB_START.observation(null,
				DefaultJobStartObservationConvention.INSTANCE, () -> context, this.registry);
		return observation.observe(() -> {
			Map<String, String> carrier = context.getCarrier();
			T started = start.apply((carrier == null || carrier.isEmpty()) ? null : Map.copyOf(carrier));
			context.setJobId(jobId.apply(started));
			return started;
		});
	}

	/**
	 * Runs a claimed step inside its observation, which continues the trace the message carries and is the current
	 * observation while the step runs.
	 * @param message the step's message
	 * @param run runs the step, records its outcome and returns what happened
	 */
	void observeStep(StepMessage message, Supplier<StepObservationContext.Outcome> run) {
		if (this.registry.isNoop()) {
			run.get();
			return;
		}
		Map<String, String> trace = message.trace();
		StepObservationContext context = new StepObservationContext((trace != null) ? trace : Map.of(),
				message.jobId(), message.workflow(), message.step(), message.attempt());
		Observation observation = WorkflowObservation.STEP
			.observation(null, DefaultStepObservationConvention.INSTANCE, () -> context, this.registry)
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			context.setOutcome(run.get());
		}
		catch (RuntimeException | Error ex) {
			context.setOutcome((ex instanceof PoisonMessageException) ? StepObservationContext.Outcome.FAILED
					: this.stopping.getAsBoolean() ? StepObservationContext.Outcome.INTERRUPTED
							: StepObservationContext.Outcome.ERROR);
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	/**
	 * Observes the end of a job, if the event is one: called once the end is committed.
	 * @param event an event the engine publishes
	 */
	void jobEnded(WorkflowEvent event) {
		if (this.registry.isNoop()) {
			return;
		}
		JobEndObservationContext context = endContext(event);
		if (context != null) {
			WorkflowObservation.JOB_END
				.observation(null, DefaultJobEndObservationConvention.INSTANCE, () -> context, this.registry)
				.start()
				.stop();
		}
	}

	private static @Nullable JobEndObservationContext endContext(WorkflowEvent event) {
		if (event instanceof WorkflowEvent.JobCompleted ended) {
			return new JobEndObservationContext(ended.jobId(), ended.workflow(), JobStatus.COMPLETED);
		}
		if (event instanceof WorkflowEvent.JobFailed ended) {
			return new JobEndObservationContext(ended.jobId(), ended.workflow(), JobStatus.FAILED);
		}
		if (event instanceof WorkflowEvent.JobAborted ended) {
			return new JobEndObservationContext(ended.jobId(), ended.workflow(), JobStatus.ABORTED);
		}
		if (event instanceof WorkflowEvent.JobCancelled ended) {
			return new JobEndObservationContext(ended.jobId(), ended.workflow(), JobStatus.CANCELLED);
		}
		if (event instanceof WorkflowEvent.JobTimedOut ended) {
			return new JobEndObservationContext(ended.jobId(), ended.workflow(), JobStatus.TIMED_OUT);
		}
		return null;
	}

}

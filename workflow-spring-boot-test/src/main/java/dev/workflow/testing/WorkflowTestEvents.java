package dev.workflow.testing;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import dev.workflow.api.WorkflowEvent;
import org.awaitility.Awaitility;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

/**
 * The engine's {@link WorkflowEvent events} in a {@link WorkflowTest @WorkflowTest}, recorded from every thread as
 * the engine publishes them (Spring's {@code ApplicationEvents} sees only the test's own thread), and waited for:
 * <pre class="code">
 * WorkflowEvent.StepFailed failed = events.await(WorkflowEvent.StepFailed.class,
 * 		(event) -&gt; event.jobId().equals(job.id()), Duration.ofSeconds(5));
 * </pre>
 */
public final class WorkflowTestEvents implements ApplicationListener<ApplicationEvent> {

	private final List<WorkflowEvent> events = new CopyOnWriteArrayList<>();

	WorkflowTestEvents() {
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		// The engine publishes its events as payloads, each of its own record type.
		if (event instanceof PayloadApplicationEvent<?> payload && payload.getPayload() instanceof WorkflowEvent recorded) {
			this.events.add(recorded);
		}
	}

	/**
	 * Returns the events recorded so far, in the order they were published.
	 * @return the events
	 */
	public List<WorkflowEvent> all() {
		return List.copyOf(this.events);
	}

	/**
	 * Returns the events of one job recorded so far, in the order they were published.
	 * @param jobId the job
	 * @return its events
	 */
	public List<WorkflowEvent> of(UUID jobId) {
		return this.events.stream().filter((event) -> event.jobId().equals(jobId)).toList();
	}

	/**
	 * Waits for an event of a type that matches a condition, recorded before the call or during it.
	 * @param <E> the type of event
	 * @param type the type of event
	 * @param condition what it must match
	 * @param timeout how long to wait at most
	 * @return the first such event
	 * @throws org.awaitility.core.ConditionTimeoutException if none is recorded within the timeout
	 */
	public <E extends WorkflowEvent> E await(Class<E> type, Predicate<? super E> condition, Duration timeout) {
		return Awaitility.await("a " + type.getSimpleName() + " event")
			.atMost(timeout)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(10))
			.until(() -> this.events.stream()
				.filter(type::isInstance)
				.map(type::cast)
				.filter(condition)
				.findFirst()
				.orElse(null), (found) -> found != null);
	}

	/**
	 * Forgets the events recorded so far: the context, and its recorder, live on from one test to the next.
	 */
	public void clear() {
		this.events.clear();
	}

}

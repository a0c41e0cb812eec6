package dev.workflow.engine;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;

import dev.workflow.registry.StepDefinition;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

/**
 * The built-in step behind durable sleeps and the timeouts of event waits: its execution waits in the database as a
 * row with a due time, and when the background work dispatches it, it completes at once (with no value) and the
 * workflow method goes on.
 * <p>
 * Due times (of timers, retries, leases) are PostgreSQL {@code timestamptz} values. The engine stores none after
 * {@link #LATEST_DUE}: a wait that would end later is refused where it is asked for, before it reaches the database.
 */
final class Timer {

	/**
	 * The latest due time the engine stores: the end of the year 9999. Well inside PostgreSQL's {@code timestamptz}
	 * (up to the year 294276), and the last one that ISO-8601 writes with four digits, as JSON readers expect.
	 */
	static final Instant LATEST_DUE = Instant.parse("9999-12-31T23:59:59Z");

	static final Timer INSTANCE = new Timer();

	private Timer() {
	}

	public @Nullable Object fired() {
		return null;
	}

	/**
	 * Says what is wrong with a wait, if it would end after {@link #LATEST_DUE}.
	 * @param wait how long
	 * @param start when it starts: now, by the engine's clock
	 * @return the problem, to follow the wait in a message, or {@code null} if there is none
	 */
	static @Nullable String waitProblem(Duration wait, Instant start) {
		if (wait.compareTo(Duration.between(start, LATEST_DUE)) <= 0) {
			return null;
		}
		return "it would end after " + LATEST_DUE + ", the latest time the engine stores";
	}

	/**
	 * Checks a wait a workflow method asks for.
	 * @param wait how long
	 * @param start when it starts: now, by the engine's clock
	 * @param what what the workflow asks for, such as "Workflow 'order' cannot sleep"
	 * @throws IllegalArgumentException if it would end after {@link #LATEST_DUE}, which fails the job
	 */
	static void checkWait(Duration wait, Instant start, String what) {
		String problem = waitProblem(wait, start);
		if (problem != null) {
			throw new IllegalArgumentException(what + " for " + wait + ": " + problem + ". Wait for a shorter time.");
		}
	}

	static StepDefinition definition(String step) {
		Method fired = ReflectionUtils.findMethod(Timer.class, "fired");
		ReflectionUtils.makeAccessible(fired);
		return new StepDefinition("", step, 0, 0, INSTANCE, fired, fired);
	}

}

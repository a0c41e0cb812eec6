package dev.workflow.engine;

import java.lang.reflect.Method;

import dev.workflow.registry.StepDefinition;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

/**
 * The built-in step behind durable sleeps and the timeouts of event waits: its execution waits in the database as a
 * row with a due time, and when the background work dispatches it, it completes at once (with no value) and the
 * workflow method goes on.
 */
final class Timer {

	static final Timer INSTANCE = new Timer();

	private Timer() {
	}

	public @Nullable Object fired() {
		return null;
	}

	static StepDefinition definition(String step) {
		Method fired = ReflectionUtils.findMethod(Timer.class, "fired");
		ReflectionUtils.makeAccessible(fired);
		return new StepDefinition("", step, 0, 0, INSTANCE, fired, fired);
	}

}

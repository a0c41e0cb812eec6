package dev.workflow.engine;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.workflow.annotation.Step;
import dev.workflow.api.Workflows;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.StringUtils;

/**
 * Routes calls of {@code @Step} methods made by a running workflow method to the engine: the recorded result, or a
 * dispatch over the broker. Any other call (a test, a worker running the step) goes straight to the method, so steps
 * stay plain, unit-testable beans.
 */
final class StepCallInterceptor implements MethodInterceptor {

	private final Map<Method, String> names = new ConcurrentHashMap<>();

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		if (!(Workflows.runtime() instanceof Replay replay)) {
			return invocation.proceed();
		}
		Method method = invocation.getMethod();
		String step = this.names.computeIfAbsent(method, StepCallInterceptor::stepName);
		if (step.isEmpty()) {
			return invocation.proceed();
		}
		return replay.callStep(step, invocation.getArguments(), method.getGenericReturnType());
	}

	private static String stepName(Method method) {
		Step step = AnnotatedElementUtils.findMergedAnnotation(method, Step.class);
		if (step == null) {
			return "";
		}
		return StringUtils.hasText(step.name()) ? step.name() : method.getName();
	}

}

package dev.workflow.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.StepContext;
import dev.workflow.annotation.UserContext;
import dev.workflow.api.JobInfo;
import dev.workflow.api.StepArgumentResolver;
import dev.workflow.api.WorkflowDefinitionException;
import dev.workflow.registry.StepDefinition;
import dev.workflow.registry.WorkflowDefinition;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Invokes one step method. Each parameter is bound to its source once, at start-up, in a fixed order:
 * {@code @UserContext}, {@code @StepContext}, {@link JobInfo}, the application's {@link StepArgumentResolver} beans,
 * and last the input, for the one unannotated parameter left. A parameter that nothing can supply fails the start.
 */
final class StepInvoker {

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final StepDefinition step;

	private final Argument[] arguments;

	private final RetryPolicy retryPolicy;

	private final Duration timeout;

	private final int[] inputParameters;

	private StepInvoker(StepDefinition step, Argument[] arguments, RetryPolicy retryPolicy, Duration timeout,
			int[] inputParameters) {
		this.step = step;
		this.arguments = arguments;
		this.retryPolicy = retryPolicy;
		this.timeout = timeout;
		this.inputParameters = inputParameters;
	}

	/**
	 * Binds a step of a pipeline: at most one parameter takes the step's input.
	 */
	static StepInvoker bind(WorkflowDefinition workflow, StepDefinition step, WorkflowJson json,
			List<StepArgumentResolver> resolvers, EngineSettings settings) {
		return bind(workflow, step, json, resolvers, settings, false);
	}

	/**
	 * Binds a step that workflow methods call: each input parameter takes its element of the input, a JSON array of
	 * the arguments of the call.
	 */
	static StepInvoker bindCallable(StepDefinition step, WorkflowJson json, List<StepArgumentResolver> resolvers,
			EngineSettings settings) {
		return bind(null, step, json, resolvers, settings, true);
	}

	private static StepInvoker bind(@Nullable WorkflowDefinition workflow, StepDefinition step, WorkflowJson json,
			List<StepArgumentResolver> resolvers, EngineSettings settings, boolean spreadInput) {
		Step annotation = AnnotatedElementUtils.findMergedAnnotation(step.declaredMethod(), Step.class);
		RetryPolicy defaults = settings.defaultRetryPolicy();
		RetryPolicy retryPolicy = defaults;
		Duration timeout = settings.stepTimeout();
		if (annotation != null) {
			List<Class<? extends Throwable>> nonRetryable = new ArrayList<>(defaults.nonRetryable());
			nonRetryable.addAll(Arrays.asList(annotation.noRetryFor()));
			retryPolicy = new RetryPolicy(
					(annotation.maxAttempts() > 0) ? annotation.maxAttempts() : defaults.maxAttempts(),
					duration(annotation.initialDelay(), defaults.initialDelay(), "initialDelay", step),
					(annotation.multiplier() > 0) ? annotation.multiplier() : defaults.multiplier(),
					duration(annotation.maxDelay(), defaults.maxDelay(), "maxDelay", step), defaults.jitter(),
					List.copyOf(nonRetryable));
			timeout = duration(annotation.timeout(), timeout, "timeout", step);
			if (retryPolicy.initialDelay().compareTo(retryPolicy.maxDelay()) > 0) {
				throw new WorkflowDefinitionException("The wait before the first retry of step '" + step.name() + "' ("
						+ step.describe() + "), " + retryPolicy.initialDelay() + ", is longer than its longest wait, "
						+ retryPolicy.maxDelay() + (annotation.maxDelay().isEmpty() ? " (workflow.retry.max-delay)" : "")
						+ ", which would cut it short: give @Step(maxDelay) at least as long as @Step(initialDelay).");
			}
			String tooLong = Timer.waitProblem(retryPolicy.maxDelay(), settings.clock().instant());
			if (tooLong != null) {
				throw new WorkflowDefinitionException("@Step(maxDelay = \"" + annotation.maxDelay() + "\") of step '"
						+ step.name() + "' (" + step.describe() + ") is too long for a retry's due time: " + tooLong
						+ ".");
			}
		}
		Method method = step.declaredMethod();
		Argument[] arguments = new Argument[method.getParameterCount()];
		Integer inputIndex = null;
		List<Integer> inputs = new ArrayList<>();
		for (int i = 0; i < arguments.length; i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			parameter.initParameterNameDiscovery(parameterNames);
			String described = describe(step, parameter);
			JavaType type = json.type(parameter.getGenericParameterType());
			if (parameter.hasParameterAnnotation(UserContext.class)) {
				arguments[i] = (call) -> convert(json, call.userContext(), type, "user context", described);
			}
			else if (parameter.hasParameterAnnotation(StepContext.class)) {
				arguments[i] = stepContextArgument(workflow, parameter, described, json);
			}
			else if (parameter.getParameterType() == JobInfo.class) {
				arguments[i] = StepCall::jobInfo;
			}
			else {
				StepArgumentResolver resolver = resolvers.stream()
					.filter((candidate) -> candidate.supportsParameter(parameter))
					.findFirst()
					.orElse(null);
				if (resolver != null) {
					arguments[i] = (call) -> resolver.resolveArgument(parameter, call.jobInfo());
				}
				else if (spreadInput) {
					int element = inputs.size();
					inputs.add(i);
					arguments[i] = (call) -> convert(json, (call.input() != null) ? call.input().get(element) : null, type,
							"argument " + element, described);
				}
				else if (inputIndex == null) {
					inputIndex = i;
					inputs.add(i);
					arguments[i] = (call) -> convert(json, call.input(), type, "input", described);
				}
				else {
					throw new WorkflowDefinitionException(describe(step, new MethodParameter(method, inputIndex))
							+ " already takes the step's input, and no resolver supplies " + described
							+ ". A step takes at most one input parameter: annotate the others with @UserContext or "
							+ "@StepContext, declare them as JobInfo, or declare a StepArgumentResolver bean that "
							+ "supports them.");
				}
			}
		}
		return new StepInvoker(step, arguments, retryPolicy, timeout,
				inputs.stream().mapToInt(Integer::intValue).toArray());
	}

	/**
	 * Returns the arguments of a call of this step from a workflow method as the step's input: a JSON array of the
	 * arguments its input parameters take (those the engine supplies, such as {@code @StepContext}, are left out).
	 * @param args the call's arguments
	 * @param json the engine's JSON
	 * @return the input
	 */
	ArrayNode input(Object[] args, WorkflowJson json) {
		ArrayNode input = JsonNodeFactory.instance.arrayNode();
		for (int index : this.inputParameters) {
			input.add(json.toTree(args[index], () -> "argument " + index + " of step '" + this.step.name() + "'"));
		}
		return input;
	}

	private static Duration duration(String value, Duration fallback, String attribute, StepDefinition step) {
		if (value.isBlank()) {
			return fallback;
		}
		try {
			return DurationStyle.detectAndParse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new WorkflowDefinitionException("@Step(" + attribute + " = \"" + value + "\") of step '"
					+ step.name() + "' (" + step.describe() + ") is not a duration: write it as 500ms, 30s, 5m or PT30S.");
		}
	}

	RetryPolicy retryPolicy() {
		return this.retryPolicy;
	}

	Duration timeout() {
		return this.timeout;
	}

	private static Argument stepContextArgument(@Nullable WorkflowDefinition workflow, MethodParameter parameter,
			String described, WorkflowJson json) {
		if (workflow == null) {
			// A step that workflow methods call reads the context of whichever workflow calls it.
			JavaType type = json.type(parameter.getGenericParameterType());
			return (call) -> convert(json, call.stepContext(), type, "step context", described);
		}
		Class<?> contextType = workflow.contextType();
		if (contextType == null) {
			throw new WorkflowDefinitionException(described + " is annotated @StepContext, but workflow '"
					+ workflow.name() + "' declares no context type: add @Workflow(context = ...).");
		}
		if (!parameter.getParameterType().isAssignableFrom(contextType)) {
			throw new WorkflowDefinitionException(described + " is annotated @StepContext but is of type "
					+ parameter.getParameterType().getName() + ", which cannot hold workflow '" + workflow.name()
					+ "''s context type " + contextType.getName() + ".");
		}
		JavaType type = json.type(contextType);
		return (call) -> convert(json, call.stepContext(), type, "step context", described);
	}

	private static @Nullable Object convert(WorkflowJson json, @Nullable JsonNode node, JavaType type, String what,
			String described) {
		try {
			Object value = json.convert(node, type);
			if (value == null && type.isPrimitive()) {
				throw new StepInputException("The " + what + " is null, but " + described + " is a primitive "
						+ type.getRawClass().getName(), new NullPointerException());
			}
			return value;
		}
		catch (JacksonException ex) {
			throw new StepInputException("The " + what + " does not convert to " + type.toCanonical() + " for " + described + ": "
					+ ex.getOriginalMessage(), ex);
		}
	}

	private static String describe(StepDefinition step, MethodParameter parameter) {
		String name = parameter.getParameterName();
		return "Parameter " + parameter.getParameterIndex() + ((name != null) ? " '" + name + "'" : "") + " of step '"
				+ step.name() + "' (" + step.describe() + ")";
	}

	StepDefinition step() {
		return this.step;
	}

	/**
	 * Invokes the step.
	 * @param call what to call it with
	 * @return what it returned
	 * @throws StepInputException if an argument did not convert
	 * @throws Throwable what the step threw
	 */
	@Nullable Object invoke(StepCall call) throws Throwable {
		Object[] args = new Object[this.arguments.length];
		for (int i = 0; i < args.length; i++) {
			args[i] = this.arguments[i].resolve(call);
		}
		try {
			return this.step.method().invoke(this.step.bean(), args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	@FunctionalInterface
	private interface Argument {

		@Nullable Object resolve(StepCall call);

	}

}

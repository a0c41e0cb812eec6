package dev.workflow.registry;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A {@code @Workflow} bean and its steps, in pipeline order.
 */
public final class WorkflowDefinition {

	private final String name;

	private final String beanName;

	private final Class<?> beanClass;

	private final @Nullable Class<?> contextType;

	private final List<StepDefinition> steps;

	private final Map<String, StepDefinition> stepsByName;

	private final @Nullable Object bean;

	private final @Nullable Method workflowMethod;

	private final String pool;

	private final FlowLimits limits;

	private final List<ScheduleDefinition> schedules;

	private final @Nullable String fingerprint;

	WorkflowDefinition(String name, String beanName, Class<?> beanClass, @Nullable Class<?> contextType,
			List<StepDefinition> steps, @Nullable Object bean, @Nullable Method workflowMethod, String pool,
			FlowLimits limits, List<ScheduleDefinition> schedules) {
		this.name = name;
		this.schedules = List.copyOf(schedules);
		this.pool = pool;
		this.limits = limits;
		this.beanName = beanName;
		this.beanClass = beanClass;
		this.contextType = contextType;
		this.bean = bean;
		this.workflowMethod = workflowMethod;
		this.steps = List.copyOf(steps);
		Map<String, StepDefinition> byName = new HashMap<>();
		// Names and aliases are distinct within a workflow (see WorkflowRegistry).
		steps.forEach((step) -> step.names().forEach((stepName) -> byName.put(stepName, step)));
		this.stepsByName = Map.copyOf(byName);
		this.fingerprint = (workflowMethod != null) ? null : fingerprint(steps);
	}

	/**
	 * A short hash of the ordered step names: 12 hex digits of their SHA-256.
	 */
	private static String fingerprint(List<StepDefinition> steps) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			byte[] hash = digest.digest(steps.stream()
				.map(StepDefinition::name)
				.collect(Collectors.joining("\n"))
				.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(hash, 0, 6);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Returns the version of the pipeline's definition: a short hash of its ordered step names (12 hex digits of
	 * their SHA-256). A release that adds, removes, renames or reorders steps changes it; one that adds aliases or
	 * changes what steps do does not. Each job records the version it started under.
	 * <p>
	 * A workflow method has none: its path is its code, whose changes {@code Workflows.patched} marks and the replay
	 * of stored histories checks, so a hash of it would change without telling anything about running jobs.
	 * @return the fingerprint, or {@code null} for an orchestrated workflow
	 */
	public @Nullable String fingerprint() {
		return this.fingerprint;
	}

	public String name() {
		return this.name;
	}

	public String beanName() {
		return this.beanName;
	}

	public Class<?> beanClass() {
		return this.beanClass;
	}

	/**
	 * Returns the type of the workflow's step context.
	 * @return the type, or {@code null} if the workflow has none
	 */
	public @Nullable Class<?> contextType() {
		return this.contextType;
	}

	/**
	 * Returns the worker pool of the workflow: that of its steps unless they name their own, and of the engine's own
	 * entries of its jobs.
	 * @return the pool's name, {@code ""} for the default pool
	 */
	public String pool() {
		return this.pool;
	}

	/**
	 * Returns how many of the workflow's jobs may run at once.
	 * @return the limits
	 */
	public FlowLimits limits() {
		return this.limits;
	}

	/**
	 * Returns the schedules declared on the workflow with {@code @WorkflowSchedule}.
	 * @return the schedules, in declaration order
	 */
	public List<ScheduleDefinition> schedules() {
		return this.schedules;
	}

	/**
	 * Whether the workflow is written as code: a {@code @WorkflowMethod} that calls steps of other beans.
	 * @return {@code true} for code orchestration, {@code false} for a step pipeline
	 */
	public boolean orchestrated() {
		return this.workflowMethod != null;
	}

	/**
	 * Returns the entry method of an orchestrated workflow, invocable on {@link #bean()}.
	 * @return the method, or {@code null} for a pipeline
	 */
	public @Nullable Method workflowMethod() {
		return this.workflowMethod;
	}

	/**
	 * Returns the workflow bean (possibly a Spring proxy).
	 * @return the bean
	 */
	public @Nullable Object bean() {
		return this.bean;
	}

	/**
	 * Returns the steps in pipeline order (none for an orchestrated workflow).
	 * @return the steps
	 */
	public List<StepDefinition> steps() {
		return this.steps;
	}

	/**
	 * Returns a step by name, or by one of its former names ({@code @Step(aliases)}).
	 * @param stepName the step's name or alias
	 * @return the step, or {@code null} if the workflow has no step of that name
	 */
	public @Nullable StepDefinition step(String stepName) {
		return this.stepsByName.get(stepName);
	}

	@Override
	public String toString() {
		return "workflow '" + this.name + "' (" + this.beanClass.getName() + ")";
	}

}

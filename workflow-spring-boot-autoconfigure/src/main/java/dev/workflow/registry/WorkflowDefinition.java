package dev.workflow.registry;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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

	WorkflowDefinition(String name, String beanName, Class<?> beanClass, @Nullable Class<?> contextType,
			List<StepDefinition> steps, @Nullable Object bean, @Nullable Method workflowMethod, String pool) {
		this.name = name;
		this.pool = pool;
		this.beanName = beanName;
		this.beanClass = beanClass;
		this.contextType = contextType;
		this.bean = bean;
		this.workflowMethod = workflowMethod;
		this.steps = List.copyOf(steps);
		this.stepsByName = steps.stream().collect(Collectors.toUnmodifiableMap(StepDefinition::name, Function.identity()));
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
	 * Returns a step by name.
	 * @param stepName the step's name
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

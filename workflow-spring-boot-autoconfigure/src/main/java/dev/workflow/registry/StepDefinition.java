package dev.workflow.registry;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A {@code @Step} method of a workflow bean.
 *
 * @param workflow the workflow's name
 * @param name the step's name, unique within the workflow
 * @param order the declared order
 * @param position the step's position in the pipeline, from 0
 * @param bean the bean to invoke the method on (possibly a Spring proxy)
 * @param method the method to invoke on the bean
 * @param declaredMethod the method as declared on the user's class, where its annotations are
 * @param pool the worker pool the step runs in ({@code ""} for the default pool): for a pipeline step its own or its
 * workflow's; for a step that workflow methods call its own, or {@code null} to run in the calling workflow's pool
 * (see {@link WorkflowRegistry#pool(WorkflowDefinition, String)})
 * @param aliases the step's former names ({@code @Step(aliases)}), whose messages, history entries and targets it
 * takes
 * @param rate at most how many of its executions start per period ({@code @Step(rateLimit)}), {@code null} for no
 * rate of its own
 */
public record StepDefinition(String workflow, String name, int order, int position, Object bean, Method method,
		Method declaredMethod, @Nullable String pool, List<String> aliases, FlowLimits.@Nullable Rate rate) {

	/**
	 * Creates a step definition.
	 */
	public StepDefinition {
		aliases = List.copyOf(aliases);
	}

	/**
	 * Creates a step without aliases or rate that names no pool of its own, to run in its caller's.
	 * @param workflow the workflow's name
	 * @param name the step's name
	 * @param order the declared order
	 * @param position the position in the pipeline
	 * @param bean the bean to invoke the method on
	 * @param method the method to invoke on the bean
	 * @param declaredMethod the method as declared on the user's class
	 */
	public StepDefinition(String workflow, String name, int order, int position, Object bean, Method method,
			Method declaredMethod) {
		this(workflow, name, order, position, bean, method, declaredMethod, null, List.of(), null);
	}

	/**
	 * Returns every name the step answers to: its name, then its aliases.
	 * @return the names
	 */
	public List<String> names() {
		List<String> names = new ArrayList<>(this.aliases.size() + 1);
		names.add(this.name);
		names.addAll(this.aliases);
		return names;
	}

	/**
	 * Describes the method for messages: {@code OrderWorkflow#validate}.
	 * @return the description
	 */
	public String describe() {
		return this.declaredMethod.getDeclaringClass().getName() + "#" + this.declaredMethod.getName();
	}

}

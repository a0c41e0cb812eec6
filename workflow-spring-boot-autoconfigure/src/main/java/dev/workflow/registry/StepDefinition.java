package dev.workflow.registry;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

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
 * @param aliases the step's former names ({@code @Step(aliases)}), whose messages, history entries and targets it
 * takes
 */
public record StepDefinition(String workflow, String name, int order, int position, Object bean, Method method,
		Method declaredMethod, List<String> aliases) {

	public StepDefinition {
		aliases = List.copyOf(aliases);
	}

	/**
	 * Creates a step without aliases.
	 * @param workflow the workflow's name
	 * @param name the step's name
	 * @param order the declared order
	 * @param position the position in the pipeline
	 * @param bean the bean
	 * @param method the method to invoke
	 * @param declaredMethod the method as declared
	 */
	public StepDefinition(String workflow, String name, int order, int position, Object bean, Method method,
			Method declaredMethod) {
		this(workflow, name, order, position, bean, method, declaredMethod, List.of());
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

package dev.workflow.registry;

import java.lang.reflect.Method;

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
 */
public record StepDefinition(String workflow, String name, int order, int position, Object bean, Method method,
		Method declaredMethod) {

	/**
	 * Describes the method for messages: {@code OrderWorkflow#validate}.
	 * @return the description
	 */
	public String describe() {
		return this.declaredMethod.getDeclaringClass().getName() + "#" + this.declaredMethod.getName();
	}

}

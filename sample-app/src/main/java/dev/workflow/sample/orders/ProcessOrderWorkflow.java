package dev.workflow.sample.orders;

import java.util.Map;

import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

import org.springframework.stereotype.Component;

/**
 * PyWorkflow's step context example as code: the workflow sets the context, then calls its step. Parameters the
 * engine supplies (here {@code @StepContext}) are passed as {@code null} by the caller.
 */
@Component
@Workflow(name = "process_order", context = OrderContext.class)
public class ProcessOrderWorkflow {

	private final OrderSteps steps;

	ProcessOrderWorkflow(OrderSteps steps) {
		this.steps = steps;
	}

	@WorkflowMethod
	public Map<String, Object> processOrder(String orderId, String userId) {
		Workflows.setStepContext(new OrderContext("", userId, orderId));
		return this.steps.validateOrder(null);
	}

}

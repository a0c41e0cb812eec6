package dev.workflow.sample.orders;

import java.util.Map;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.StepContext;
import dev.workflow.annotation.Workflow;

import org.springframework.stereotype.Component;

/**
 * PyWorkflow's step context example as a pipeline: the context is given when the job starts, and steps read it.
 */
@Component
@Workflow(name = "process_order_pipeline", context = OrderContext.class)
public class OrderPipeline {

	@Step(order = 1)
	public Map<String, Object> validateOrder(@StepContext OrderContext ctx) {
		System.out.println("Validating order " + ctx.orderId() + " for user " + ctx.userId());
		return Map.of("valid", true);
	}

}

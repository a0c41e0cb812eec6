package dev.workflow.test.workflows;

import java.util.Map;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.StepContext;
import dev.workflow.api.Workflows;

import org.springframework.stereotype.Component;

/**
 * Steps that workflow methods call, reading the step context their workflow set.
 */
@Component
public class OrderSteps {

	@Step
	public Map<String, Object> validateOrder(@StepContext OrderContext ctx) {
		System.out.println("Validating order " + ctx.orderId() + " for user " + ctx.userId());
		return Map.of("valid", true);
	}

	@Step
	public String whoAmI(@StepContext OrderContext ctx) {
		return ctx.orderId();
	}

	@Step
	public String trySetContext() {
		Workflows.setStepContext(new OrderContext("w", "u", "changed by a step"));
		return "should not get here";
	}

}

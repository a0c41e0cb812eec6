package dev.workflow.sample.orders;

import java.util.Map;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.StepContext;

import org.springframework.stereotype.Component;

/**
 * Steps that workflow methods call. Outside a workflow they are plain methods, so they are unit-testable.
 */
@Component
public class OrderSteps {

	@Step
	public Map<String, Object> validateOrder(@StepContext OrderContext ctx) {
		System.out.println("Validating order " + ctx.orderId() + " for user " + ctx.userId());
		return Map.of("valid", true);
	}

}

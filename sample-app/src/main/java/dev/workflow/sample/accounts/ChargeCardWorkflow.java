package dev.workflow.sample.accounts;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;

import org.springframework.stereotype.Component;

/**
 * Charges a card for an order; while the gateway is down, tries again an hour later, three times in all.
 */
@Component
@Workflow(name = "charge_card")
public class ChargeCardWorkflow {

	private final PaymentGateway gateway;

	ChargeCardWorkflow(PaymentGateway gateway) {
		this.gateway = gateway;
	}

	@Step(order = 1, name = "charge", maxAttempts = 3, initialDelay = "1h", multiplier = 1, maxDelay = "1h")
	public String charge(String order) {
		return this.gateway.charge(order);
	}

}

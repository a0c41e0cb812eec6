package dev.workflow.testing.app;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;

import org.springframework.stereotype.Component;

/**
 * Issues an invoice through a partner whose first call for each invoice fails: the retry waits an hour.
 */
@Component
@Workflow(name = "invoicing")
public class Invoicing {

	private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

	@Step(order = 1, maxAttempts = 3, initialDelay = "1h", multiplier = 1, maxDelay = "1h")
	public String issue(String invoice) {
		if (this.failedOnce.add(invoice)) {
			throw new IllegalStateException("The partner is down for " + invoice);
		}
		return "issued " + invoice;
	}

}

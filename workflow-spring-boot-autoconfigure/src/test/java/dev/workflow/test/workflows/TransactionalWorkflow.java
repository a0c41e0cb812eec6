package dev.workflow.test.workflows;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A workflow bean behind a Spring proxy: its steps must be found on the user's class and run through the proxy.
 */
@Component
@Transactional
@Workflow(name = "transactional")
public class TransactionalWorkflow {

	@Step(order = 1)
	public String inTransaction(String input) {
		return input + ":" + TransactionSynchronizationManager.isActualTransactionActive();
	}

}

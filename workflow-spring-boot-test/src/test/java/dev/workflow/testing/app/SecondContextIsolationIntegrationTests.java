package dev.workflow.testing.app;

import dev.workflow.api.WorkflowClient;
import dev.workflow.testing.WorkflowTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * One of two test classes whose contexts differ (see {@link ContextIsolation}).
 */
@WorkflowTest(properties = "workflow.worker.id=second-context")
class SecondContextIsolationIntegrationTests {

	@Autowired
	private WorkflowClient client;

	@Test
	void whenAnotherContextRunsBesideThisOneThenEachRunsOnlyItsOwnJobs() {
		ContextIsolation.assertRunByItself(this.client, "second-context");
	}

}

package dev.workflow.engine;

import java.time.Duration;
import java.util.Map;

import dev.workflow.api.JobHandle;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StartOptions;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import dev.workflow.test.workflows.CurrentTimeResolver;
import dev.workflow.test.workflows.LoggingContextWorkflow;
import dev.workflow.test.workflows.OrderContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@DirtiesContext
@SpringBootTest(classes = TestApplication.class, properties = { "workflow.broker.exchange=wf-test-examples",
		"workflow.broker.step-queue=wf-test-examples.steps" })
@ExtendWith(OutputCaptureExtension.class)
class PipelineExamplesIntegrationTests {

	@Autowired
	WorkflowClient client;

	@Test
	void ergateFirstWorkflowPrintsItsTwoLines(CapturedOutput output) {
		JobHandle<Object> job = this.client.start("my_first_workflow", 21,
				StartOptions.defaults().userContext(Map.of("user", "prryplatypus")));

		assertThat(job.await(Duration.ofSeconds(30))).isNull();
		assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
		assertThat(output.getOut())
			.contains("Hello, I am step 1 and I've received 21 at " + CurrentTimeResolver.NOW + "\n")
			.contains("Hello, I am step 2 and I've received 22 thanks to prryplatypus\n");
	}

	@Test
	void whileAStepRunsTheLoggingContextNamesItsJobWorkflowAndStep() {
		JobHandle<Object> job = this.client.start("logging_context", "x");

		job.await(Duration.ofSeconds(30));
		assertThat(LoggingContextWorkflow.SEEN.get(job.id()))
			.containsExactly(job.id().toString(), "logging_context", "look");
	}

	@Test
	void pyWorkflowStepContextIsReadByTheStep(CapturedOutput output) {
		JobHandle<Object> job = this.client.start("process_order_pipeline", null,
				StartOptions.defaults().stepContext(new OrderContext("ws-1", "user-7", "order-42")));

		assertThat(job.await(Duration.ofSeconds(30))).isEqualTo(Map.of("valid", true));
		assertThat(output.getOut()).contains("Validating order order-42 for user user-7\n");
	}

}

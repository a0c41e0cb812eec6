package dev.workflow.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.Job;
import dev.workflow.api.JobFailedException;
import dev.workflow.api.JobHandle;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StartOptions;
import dev.workflow.api.StepStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowEvent;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.store.StepExecutions;
import dev.workflow.test.RecordedEvents;
import dev.workflow.test.TestApplication;
import dev.workflow.test.workflows.FlowContext;
import dev.workflow.test.workflows.TypedWorkflow;
import dev.workflow.transport.WorkflowTopology;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

@DirtiesContext
@SpringBootTest(classes = TestApplication.class,
		properties = { "workflow.broker.exchange=wf-test-flow", "workflow.broker.step-queue=wf-test-flow.steps",
				"workflow.broker.parking-queue=wf-test-flow.parked", "workflow.worker.id=flow-worker",
				"workflow.retry.max-attempts=1" })
class PipelineFlowIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Autowired
	WorkflowClient client;

	@Autowired
	StepExecutions steps;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	RecordedEvents events;

	@Autowired
	RabbitTemplate rabbitTemplate;

	@Autowired
	WorkflowTopology topology;

	@Test
	void whenNoStepRedirectsThenEachResultFeedsTheNextStepInOrder() {
		JobHandle<Object> job = this.client.start("flow", "a");

		assertThat(job.await(WAIT)).isEqualTo("a-1-2-3");
		Job done = job.job();
		assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
		assertThat(done.stepsCompleted()).isEqualTo(3);
		assertThat(done.percentComplete()).isEqualTo(100);
		assertThat(done.startedAt()).isNotNull();
		assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
		List<StepExecutionEntity> history = history(job.id());
		assertThat(history).extracting(StepExecutionEntity::getStepName).containsExactly("decide", "middle", "finish");
		assertThat(history).extracting(StepExecutionEntity::getSequence).containsExactly(0, 1, 2);
		assertThat(history).extracting(StepExecutionEntity::getStatus).containsOnly(StepStatus.COMPLETED);
		assertThat(history).extracting(StepExecutionEntity::getWorkerId).containsOnly("flow-worker");
		assertThat(history).extracting(StepExecutionEntity::getOutput)
			.containsExactly("\"a-1\"", "\"a-1-2\"", "\"a-1-2-3\"");
	}

	@Test
	void whenAStepGoesToALaterStepThenTheStepsBetweenAreSkipped() {
		JobHandle<Object> job = this.client.start("flow", "skip");

		assertThat(job.await(WAIT)).isEqualTo("skipped-3");
		assertThat(history(job.id())).extracting(StepExecutionEntity::getStepName).containsExactly("decide", "finish");
		assertThat(job.job().stepsCompleted()).isEqualTo(2);
		assertThat(job.job().percentComplete()).isEqualTo(100);
	}

	@Test
	void whenAStepCompletesTheJobThenNoFurtherStepRuns() {
		JobHandle<Object> job = this.client.start("flow", "complete");

		assertThat(job.await(WAIT)).isEqualTo("early");
		assertThat(history(job.id())).extracting(StepExecutionEntity::getStepName).containsExactly("decide");
	}

	@Test
	void whenAStepAbortsThenTheJobIsAbortedWithTheReason() {
		JobHandle<Object> job = this.client.start("flow", "abort");

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.satisfies((ex) -> assertThat(ex.job().status()).isEqualTo(JobStatus.ABORTED))
			.satisfies((ex) -> assertThat(ex.error().message()).isEqualTo("customer cancelled"));
		assertThat(job.job().percentComplete()).isEqualTo(33);
		await().atMost(WAIT).until(() -> this.events.of(job.id()).stream().anyMatch(WorkflowEvent.JobAborted.class::isInstance));
	}

	@Test
	void whenAStepGoesBackThenTheJobFailsWithAClearMessage() {
		JobHandle<Object> job = this.client.start("flow", "back");

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.satisfies((ex) -> assertThat(ex.job().status()).isEqualTo(JobStatus.FAILED))
			.withMessageContaining("Step 'decide' of workflow 'flow' asked to go back to step 'decide'");
	}

	@Test
	void whenAStepGoesToAStepThatDoesNotExistThenTheJobFailsNamingIt() {
		JobHandle<Object> job = this.client.start("flow", "nowhere");

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.withMessageContaining("asked to go to step 'nowhere', which the workflow does not have");
	}

	@Test
	void whenAStepThrowsThenTheJobFailsWithTheExceptionsTypeMessageAndStack() {
		JobHandle<Object> job = this.client.start("flow", "boom");

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT));
		Job failed = job.job();
		assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
		assertThat(failed.currentStep()).isEqualTo("decide");
		assertThat(failed.error().type()).isEqualTo(IllegalStateException.class.getName());
		assertThat(failed.error().message()).isEqualTo("boom in decide");
		assertThat(failed.error().stackTrace()).contains("FlowWorkflow.decide");
		StepExecutionEntity step = history(job.id()).get(0);
		assertThat(step.getStatus()).isEqualTo(StepStatus.FAILED);
		assertThat(step.getErrorMessage()).isEqualTo("boom in decide");
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.events.of(job.id()))
			.hasExactlyElementsOfTypes(WorkflowEvent.JobStarted.class, WorkflowEvent.StepStarted.class,
					WorkflowEvent.StepFailed.class, WorkflowEvent.JobFailed.class));
	}

	@Test
	void whenAJobStartsWithAStepContextThenStepsReadIt() {
		JobHandle<Object> job = this.client.start("flow", "a",
				StartOptions.defaults().stepContext(new FlowContext("initial")));

		assertThat(job.await(WAIT)).isEqualTo("a-1-2-initial-3");
	}

	@Test
	void whenAStepHandsTheEngineANewStepContextThenLaterStepsSeeIt() {
		JobHandle<Object> job = this.client.start("flow", "context",
				StartOptions.defaults().stepContext(new FlowContext("initial")));

		assertThat(job.await(WAIT)).isEqualTo("ctx-2-changed-3");
	}

	@Test
	void whenAStepHandsTheEngineAContextOfTheWrongTypeThenTheJobFails() {
		JobHandle<Object> job = this.client.start("flow", "wrong-context");

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.withMessageContaining("is a java.lang.String, but workflow 'flow' takes a " + FlowContext.class.getName());
	}

	@Test
	void whenAJobCompletesThenItsEventsArePublishedInOrderAfterCommit() {
		JobHandle<Object> job = this.client.start("flow", "complete");
		job.await(WAIT);

		await().atMost(WAIT).untilAsserted(() -> assertThat(this.events.of(job.id()))
			.hasExactlyElementsOfTypes(WorkflowEvent.JobStarted.class, WorkflowEvent.StepStarted.class,
					WorkflowEvent.StepCompleted.class, WorkflowEvent.JobCompleted.class));
	}

	@Test
	void whenInputsAndResultsAreRecordsAndGenericsThenTheyConvertAndJobInfoIsInjected() {
		List<TypedWorkflow.Item> items = List.of(new TypedWorkflow.Item("a", 2), new TypedWorkflow.Item("b", 3));
		JobHandle<TypedWorkflow.Summary> job = this.client
			.start("typed", items, StartOptions.defaults().userContext(Map.of("user", "ada", "plan", "gold")))
			.as(TypedWorkflow.Summary.class);

		TypedWorkflow.Summary summary = job.await(WAIT);
		assertThat(summary.items()).isEqualTo(2);
		assertThat(summary.quantity()).isEqualTo(5);
		assertThat(summary.jobId()).isEqualTo(job.id().toString());
		assertThat(summary.step()).isEqualTo("count");
		assertThat(summary.attempt()).isEqualTo(1);
		assertThat(summary.stepExecutionId()).isEqualTo(history(job.id()).get(0).getId().toString());
		assertThat(summary.requestedBy()).isEqualTo("ada");
	}

	@Test
	void whenTheInputDoesNotConvertToTheStepsParameterThenTheJobFailsAndTheMessageIsParked() {
		JobHandle<Object> job = this.client.start("typed", "not a list of items");

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.withMessageContaining("The input does not convert to")
			.withMessageContaining("Parameter 0 'items' of step 'count'");
		Message parked = this.rabbitTemplate.receive(this.topology.parkingQueue(), 30_000);
		assertThat(parked).isNotNull();
		assertThat(new String(parked.getBody(), StandardCharsets.UTF_8)).contains(job.id().toString());
	}

	@Test
	void whenTheWorkflowBeanIsATransactionalProxyThenItsStepsRunThroughTheProxy() {
		assertThat(this.client.start("transactional", "x").await(WAIT)).isEqualTo("x:true");
	}

	@Test
	void whenAMessageIsMalformedThenItIsParkedAndTheWorkerGoesOn() {
		this.rabbitTemplate.send(this.topology.exchange(), this.topology.stepRoutingKey(),
				MessageBuilder.withBody("{not json".getBytes(StandardCharsets.UTF_8)).build());

		Message parked = this.rabbitTemplate.receive(this.topology.parkingQueue(), 30_000);
		assertThat(parked).isNotNull();
		assertThat(new String(parked.getBody(), StandardCharsets.UTF_8)).isEqualTo("{not json");
		assertThat((String) parked.getMessageProperties().getHeader("x-workflow-park-reason"))
			.startsWith("Malformed step message");
		assertThat(this.client.start("flow", "after-poison").await(WAIT)).isEqualTo("after-poison-1-2-3");
	}

	@Test
	void whenAMessageNamesAnUnknownStepThenItIsNotParkedAndAnEndedJobStaysAsItWas() {
		JobHandle<Object> job = this.client.start("flow", "complete");
		job.await(WAIT);
		String body = "{\"jobId\":\"" + job.id() + "\",\"stepExecutionId\":\"" + UUID.randomUUID()
				+ "\",\"workflow\":\"flow\",\"step\":\"gone\",\"attempt\":1}";
		String unknown = UUID.randomUUID().toString();
		this.rabbitTemplate.send(this.topology.exchange(), this.topology.stepRoutingKey(),
				MessageBuilder.withBody(body.getBytes(StandardCharsets.UTF_8)).setMessageId(unknown).build());
		// A message that is parked, sent after it: once it is parked, the unknown one has long been handled.
		String marker = UUID.randomUUID().toString();
		this.rabbitTemplate.send(this.topology.exchange(), this.topology.stepRoutingKey(),
				MessageBuilder.withBody("{not json".getBytes(StandardCharsets.UTF_8)).setMessageId(marker).build());

		List<String> parked = new ArrayList<>();
		await().atMost(WAIT).until(() -> {
			Message message = this.rabbitTemplate.receive(this.topology.parkingQueue(), 100);
			if (message != null) {
				parked.add(message.getMessageProperties().getMessageId());
			}
			return parked.contains(marker);
		});
		assertThat(parked).as("work of a step this instance lacks is handed back, never parked").doesNotContain(unknown);
		assertThat(job.status()).as("a job that had ended stays as it was").isEqualTo(JobStatus.COMPLETED);
	}

	private List<StepExecutionEntity> history(UUID jobId) {
		return this.transactions.execute((status) -> this.steps.history(jobId, 0));
	}

}

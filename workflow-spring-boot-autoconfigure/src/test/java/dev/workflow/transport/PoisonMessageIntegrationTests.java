package dev.workflow.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Step messages that no worker can ever handle, on real servers: each goes to the parking queue with its reason, and
 * the consumers go on with the next message. When even parking fails, the message goes back to the broker only after
 * the error back-off.
 */
@DirtiesContext
@SpringBootTest(classes = TestApplication.class,
		properties = { "workflow.broker.exchange=wf-test-poison", "workflow.broker.step-queue=wf-test-poison.steps",
				"workflow.broker.parking-queue=wf-test-poison.parked", "workflow.worker.concurrency=1",
				"workflow.worker.error-backoff=400ms" })
class PoisonMessageIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Duration ERROR_BACKOFF = Duration.ofMillis(400);

	@Autowired
	WorkflowClient client;

	@Autowired
	RabbitTemplate rabbitTemplate;

	@Autowired
	AmqpAdmin amqpAdmin;

	@Autowired
	WorkflowTopology topology;

	@Test
	void whenABodyIsNotAValidStepMessageThenItIsParkedWithItsReasonAndTheWorkerGoesOn() {
		String valid = "\"jobId\":\"" + UUID.randomUUID() + "\",\"stepExecutionId\":\"" + UUID.randomUUID()
				+ "\",\"workflow\":\"flow\",\"step\":\"decide\"";
		Map<String, String> bodies = new LinkedHashMap<>();
		bodies.put("json null", "null");
		bodies.put("empty", "");
		bodies.put("not json", "{not json");
		bodies.put("a number", "42");
		bodies.put("an array", "[{" + valid + ",\"attempt\":1}]");
		bodies.put("a string", "\"a step\"");
		bodies.put("ill-typed id", "{\"jobId\":\"job-1\",\"stepExecutionId\":\"" + UUID.randomUUID()
				+ "\",\"workflow\":\"flow\",\"step\":\"decide\",\"attempt\":1}");
		bodies.put("ill-typed workflow", "{\"jobId\":\"" + UUID.randomUUID() + "\",\"stepExecutionId\":\""
				+ UUID.randomUUID() + "\",\"workflow\":{\"name\":\"flow\"},\"step\":\"decide\",\"attempt\":1}");
		bodies.put("no attempt", "{" + valid + "}");
		bodies.put("attempt 0", "{" + valid + ",\"attempt\":0}");
		bodies.put("no step", "{\"jobId\":\"" + UUID.randomUUID() + "\",\"stepExecutionId\":\"" + UUID.randomUUID()
				+ "\",\"workflow\":\"flow\",\"attempt\":1}");
		bodies.put("user context not an object", "{" + valid + ",\"attempt\":1,\"userContext\":[1]}");
		Map<String, String> idByCase = new HashMap<>();
		bodies.forEach((name, body) -> {
			String id = UUID.randomUUID().toString();
			idByCase.put(name, id);
			this.rabbitTemplate.send(this.topology.exchange(), this.topology.stepRoutingKey(),
					MessageBuilder.withBody(body.getBytes(StandardCharsets.UTF_8)).setMessageId(id).build());
		});

		Map<String, Message> parked = new HashMap<>();
		await().atMost(WAIT).until(() -> {
			Message message = this.rabbitTemplate.receive(this.topology.parkingQueue(), 100);
			if (message != null) {
				parked.put(message.getMessageProperties().getMessageId(), message);
			}
			return parked.keySet().containsAll(idByCase.values());
		});
		bodies.forEach((name, body) -> {
			Message message = parked.get(idByCase.get(name));
			assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).as(name).isEqualTo(body);
			assertThat((String) message.getMessageProperties().getHeader(StepListener.PARK_REASON_HEADER)).as(name)
				.isNotBlank();
		});
		assertThat((String) parked.get(idByCase.get("json null"))
			.getMessageProperties()
			.getHeader(StepListener.PARK_REASON_HEADER)).contains("null");
		assertThat((String) parked.get(idByCase.get("attempt 0"))
			.getMessageProperties()
			.getHeader(StepListener.PARK_REASON_HEADER)).contains("attempt");
		assertThat(this.client.start("flow", "after-poison").await(WAIT)).isEqualTo("after-poison-1-2-3");
	}

	@Test
	void whenAPoisonMessageCannotBeParkedThenItGoesBackToTheBrokerOnlyAfterTheErrorBackoff() {
		Logger logger = (Logger) LoggerFactory.getLogger(StepListener.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		String id = UUID.randomUUID().toString();
		// The engine's publisher has its connection (a new one would declare the parking queue again).
		assertThat(this.client.start("flow", "before-parking").await(WAIT)).isEqualTo("before-parking-1-2-3");
		try {
			// Without its queue, the broker refuses what is parked (a return, or a nack).
			this.amqpAdmin.deleteQueue(this.topology.parkingQueue());
			this.rabbitTemplate.send(this.topology.exchange(), this.topology.stepRoutingKey(),
					MessageBuilder.withBody("{not json".getBytes(StandardCharsets.UTF_8)).setMessageId(id).build());

			await().atMost(WAIT).until(() -> parkFailures(appender, id).size() >= 3);
			List<Long> failures = parkFailures(appender, id);
			List<Long> gaps = new ArrayList<>();
			for (int i = 1; i < failures.size(); i++) {
				gaps.add(failures.get(i) - failures.get(i - 1));
			}
			assertThat(gaps).as("milliseconds between two attempts to park the message")
				.allSatisfy((gap) -> assertThat(gap).isGreaterThanOrEqualTo(ERROR_BACKOFF.toMillis() / 2));
		}
		finally {
			// As the engine declares it (a quorum queue under workflow.broker.queue-type=quorum).
			this.topology.declarables()
				.getDeclarablesByType(Queue.class)
				.stream()
				.filter((queue) -> queue.getName().equals(this.topology.parkingQueue()))
				.forEach(this.amqpAdmin::declareQueue);
			logger.detachAppender(appender);
		}
		await().atMost(WAIT).until(() -> {
			Message message = this.rabbitTemplate.receive(this.topology.parkingQueue(), 100);
			return message != null && id.equals(message.getMessageProperties().getMessageId());
		});
		assertThat(this.client.start("flow", "after-parking").await(WAIT)).isEqualTo("after-parking-1-2-3");
	}

	/**
	 * The times at which parking the message of this id failed: only its own, since a message of another test left in
	 * the queue may fail to park meanwhile too.
	 */
	private static List<Long> parkFailures(ListAppender<ILoggingEvent> appender, String id) {
		synchronized (appender) {
			return appender.list.stream()
				.filter((event) -> event.getFormattedMessage().startsWith("Could not park message " + id + ";"))
				.map(ILoggingEvent::getTimeStamp)
				.toList();
		}
	}

}

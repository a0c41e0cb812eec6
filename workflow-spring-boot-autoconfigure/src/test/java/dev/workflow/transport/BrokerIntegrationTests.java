package dev.workflow.transport;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.workflow.test.TestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DirtiesContext
@SpringBootTest(classes = TestApplication.class, properties = "spring.rabbitmq.publisher-confirm-type=correlated")
class BrokerIntegrationTests {

	@Autowired
	AmqpAdmin amqpAdmin;

	@Autowired
	RabbitTemplate rabbitTemplate;

	@Autowired
	ConnectionFactory connectionFactory;

	@Autowired
	WorkflowTopology topology;

	@Test
	void whenTheApplicationStartsThenTheStepQueueIsDeclared() {
		QueueInformation info = this.amqpAdmin.getQueueInfo(this.topology.stepQueue());
		assertThat(info).isNotNull();
	}

	@Test
	void whenAPersistentMessageIsPublishedWithConfirmsThenItIsConsumedAndAckedManually() throws Exception {
		String queue = "wf-test-" + UUID.randomUUID();
		this.amqpAdmin.declareQueue(new Queue(queue, true, false, false));
		List<String> received = new CopyOnWriteArrayList<>();
		SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(this.connectionFactory);
		container.setQueueNames(queue);
		container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
		container.setMessageListener((ChannelAwareMessageListener) (message, channel) -> {
			received.add(new String(message.getBody(), StandardCharsets.UTF_8));
			channel.basicAck(message.getMessageProperties().getDeliveryTag(), false);
		});
		container.afterPropertiesSet();
		try {
			CorrelationData correlation = new CorrelationData(UUID.randomUUID().toString());
			this.rabbitTemplate.send("", queue, MessageBuilder.withBody("{\"step\":\"step_1\"}".getBytes(StandardCharsets.UTF_8))
				.setDeliveryMode(MessageDeliveryMode.PERSISTENT)
				.build(), correlation);
			assertThat(correlation.getFuture().get(10, TimeUnit.SECONDS).ack()).isTrue();

			container.start();
			await().atMost(10, TimeUnit.SECONDS).until(() -> received.size() == 1);
			assertThat(received).containsExactly("{\"step\":\"step_1\"}");
			// Acked: nothing waits in the queue and nothing is held unacknowledged.
			await().atMost(10, TimeUnit.SECONDS).until(() -> this.amqpAdmin.getQueueInfo(queue).getMessageCount() == 0);
		}
		finally {
			container.stop();
			this.amqpAdmin.deleteQueue(queue);
		}
	}

}

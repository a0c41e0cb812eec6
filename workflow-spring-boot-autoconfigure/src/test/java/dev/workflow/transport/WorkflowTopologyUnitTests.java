package dev.workflow.transport;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQImpl;
import dev.workflow.autoconfigure.WorkflowProperties;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the engine declares on the broker for each queue type and its worker pools, and how a queue that exists with
 * another type is reported; no servers.
 */
class WorkflowTopologyUnitTests {

	private static final WorkflowTopology CLASSIC = new WorkflowTopology("wf", "wf.steps", "wf.step", "wf.parked",
			Set.of("gpu", "", "batch"), QueueType.CLASSIC);

	@Test
	void eachPoolHasAQueueBoundWithItsRoutingKeyAndTheDefaultPoolKeepsTheStepQueue() {
		assertThat(CLASSIC.pools()).containsExactly("batch", "gpu");
		assertThat(CLASSIC.allPools()).containsExactly("", "batch", "gpu");
		assertThat(CLASSIC.stepQueue("")).isEqualTo(CLASSIC.stepQueue(null)).isEqualTo("wf.steps");
		assertThat(CLASSIC.stepRoutingKey(null)).isEqualTo("wf.step");
		assertThat(CLASSIC.stepQueue("gpu")).isEqualTo("wf.steps.gpu");
		assertThat(CLASSIC.stepRoutingKey("gpu")).isEqualTo("wf.step.gpu");
		List<Binding> bindings = CLASSIC.declarables().getDeclarablesByType(Binding.class);
		assertThat(bindings).extracting(Binding::getDestination, Binding::getRoutingKey, Binding::getExchange)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("wf.steps", "wf.step", "wf"),
					org.assertj.core.groups.Tuple.tuple("wf.steps.batch", "wf.step.batch", "wf"),
					org.assertj.core.groups.Tuple.tuple("wf.steps.gpu", "wf.step.gpu", "wf"));
		assertThat(CLASSIC.declarables().getDeclarablesByType(DirectExchange.class)).singleElement()
			.satisfies((exchange) -> assertThat(exchange.isDurable()).isTrue());
	}

	@Test
	void classicQueuesAreDeclaredWithoutAnyArgument() {
		List<Queue> queues = CLASSIC.declarables().getDeclarablesByType(Queue.class);
		assertThat(queues).extracting(Queue::getName)
			.containsExactly("wf.steps", "wf.steps.batch", "wf.steps.gpu", "wf.parked");
		assertThat(queues).allSatisfy((queue) -> {
			assertThat(queue.isDurable()).isTrue();
			assertThat(queue.isExclusive()).isFalse();
			assertThat(queue.isAutoDelete()).isFalse();
			assertThat(queue.getArguments()).isEmpty();
		});
	}

	@Test
	void quorumQueuesAreDeclaredWithTheQueueTypeAndNoOtherArgument() {
		WorkflowTopology quorum = new WorkflowTopology("wf", "wf.steps", "wf.step", "wf.parked", Set.of("gpu"),
				QueueType.QUORUM);
		List<Queue> queues = quorum.declarables().getDeclarablesByType(Queue.class);
		assertThat(queues).extracting(Queue::getName).containsExactly("wf.steps", "wf.steps.gpu", "wf.parked");
		assertThat(queues).allSatisfy((queue) -> {
			assertThat(queue.isDurable()).isTrue();
			assertThat(queue.getArguments()).as("no x-delivery-limit, which RabbitMQ 3.10 may refuse")
				.containsExactly(Map.entry("x-queue-type", "quorum"));
		});
	}

	@Test
	void aQueueThatExistsWithTheOtherTypeIsReportedWithTheQueueBothTypesAndTheWayToMove() {
		String reply = "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'wf.steps.gpu' in vhost '/': "
				+ "received the value 'quorum' of type 'longstr' but current is none";
		ShutdownSignalException closed = new ShutdownSignalException(false, false,
				new AMQImpl.Channel.Close(406, reply, 50, 10), null);
		AmqpIOException declaration = new AmqpIOException(new IOException(closed));
		TopologyInitializer.QueueTypeMismatchException mismatch = TopologyInitializer.queueTypeMismatch(declaration,
				QueueType.QUORUM);
		assertThat(mismatch).isNotNull();
		assertThat(mismatch.getQueue()).isEqualTo("wf.steps.gpu");
		assertThat(mismatch).hasMessageStartingWith("Queue 'wf.steps.gpu' exists on the broker as a classic queue, "
				+ "but workflow.broker.queue-type is quorum")
			.hasMessageContaining(reply)
			.hasMessageContaining("\"Queue types\" in the README")
			.hasMessageContaining("workflow.worker.claim-timeout")
			.hasCause(declaration);
		assertThat(TopologyInitializer.queueTypeMismatch(declaration, QueueType.CLASSIC))
			.hasMessageStartingWith("Queue 'wf.steps.gpu' exists on the broker as a quorum (or another non-classic "
					+ "type) queue, but workflow.broker.queue-type is classic");
		ShutdownSignalException otherRefusal = new ShutdownSignalException(false, false,
				new AMQImpl.Channel.Close(406, "PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'x'", 50,
						10),
				null);
		assertThat(TopologyInitializer.queueTypeMismatch(new AmqpIOException(new IOException(otherRefusal)),
				QueueType.QUORUM))
			.isNull();
	}

	@Test
	void theQueueTypeBindsFromTheEnvironmentVariableThatCiSets() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of("WORKFLOW_BROKER_QUEUE_TYPE", "quorum")));
		ConfigurationPropertySources.attach(environment);
		WorkflowProperties properties = Binder.get(environment)
			.bind("workflow", WorkflowProperties.class)
			.orElseGet(WorkflowProperties::new);
		assertThat(properties.getBroker().getQueueType()).isEqualTo(QueueType.QUORUM);
	}

}

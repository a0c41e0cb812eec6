package dev.workflow.benchmarks.floor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;

import dev.workflow.benchmarks.harness.BenchSystem;
import dev.workflow.benchmarks.harness.BrokerCounters;
import dev.workflow.benchmarks.harness.Recorder;
import dev.workflow.benchmarks.harness.Scenario;
import dev.workflow.benchmarks.harness.Servers;

/**
 * The broker floor: the least work our design can do per step, with nothing of an engine around it. Per step, one
 * persistent publish confirmed before going on, one consume with a manual ack, and one committed transaction that
 * inserts a row and updates another ({@link FloorTables}). {@value #CONSUMERS} consumers, each with its own channels
 * and a prefetch of {@value #PREFETCH}.
 *
 * @see DatabaseFloorSystem
 */
public class FloorSystem implements BenchSystem {

	static final int CONSUMERS = 8;

	static final int PREFETCH = 8;

	private static final String QUEUE = "bench.floor";

	private Scenario scenario;

	private FloorTables tables;

	private com.rabbitmq.client.Connection connection;

	private ExecutorService deliveries;

	private final ThreadLocal<Channel> submitChannels = new ThreadLocal<>();

	private final List<Channel> channels = new ArrayList<>();

	@Override
	public String name() {
		return "floor";
	}

	@Override
	public Set<Scenario> scenarios() {
		return EnumSet.allOf(Scenario.class);
	}

	@Override
	public void open(Scenario scenario, Servers servers) throws Exception {
		this.scenario = scenario;
		this.tables = new FloorTables(servers, CONSUMERS + 4);
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(servers.amqpHost());
		factory.setPort(servers.amqpPort());
		factory.setUsername(servers.amqpUser());
		factory.setPassword(servers.amqpPassword());
		factory.setMetricsCollector(BrokerCounters.collector());
		this.deliveries = Executors.newFixedThreadPool(CONSUMERS);
		factory.setSharedExecutor(this.deliveries);
		this.connection = factory.newConnection();
		try (Channel channel = this.connection.createChannel()) {
			channel.queueDelete(QUEUE);
			channel.queueDeclare(QUEUE, true, false, false, null);
		}
		for (int i = 0; i < CONSUMERS; i++) {
			Channel consume = this.connection.createChannel();
			Channel publish = this.connection.createChannel();
			publish.confirmSelect();
			consume.basicQos(PREFETCH);
			consume.basicConsume(QUEUE, false, new StepConsumer(consume, publish));
			this.channels.add(consume);
			this.channels.add(publish);
		}
	}

	@Override
	public void submit(String key) throws Exception {
		this.tables.insertJob(key);
		Channel channel = this.submitChannels.get();
		if (channel == null) {
			channel = this.connection.createChannel();
			channel.confirmSelect();
			this.submitChannels.set(channel);
		}
		int first = (this.scenario == Scenario.FAN_OUT) ? this.scenario.stepsPerJob() : 1;
		for (int i = 0; i < first; i++) {
			publish(channel, key, (this.scenario == Scenario.FAN_OUT) ? -1 : 1);
		}
	}

	private static void publish(Channel channel, String key, int step) throws Exception {
		channel.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC,
				(key + ":" + step).getBytes(StandardCharsets.UTF_8));
		channel.waitForConfirmsOrDie(10_000);
	}

	@Override
	public void close() throws Exception {
		if (this.connection != null) {
			this.connection.close();
		}
		if (this.deliveries != null) {
			this.deliveries.shutdownNow();
			this.deliveries.awaitTermination(5, TimeUnit.SECONDS);
		}
		if (this.tables != null) {
			this.tables.close();
		}
	}

	private final class StepConsumer extends DefaultConsumer {

		private final Channel publish;

		StepConsumer(Channel consume, Channel publish) {
			super(consume);
			this.publish = publish;
		}

		@Override
		public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
				throws IOException {
			String message = new String(body, StandardCharsets.UTF_8);
			int colon = message.lastIndexOf(':');
			String key = message.substring(0, colon);
			int step = Integer.parseInt(message.substring(colon + 1));
			Recorder.stepStarted(key);
			Recorder.stepEnded(key);
			int done;
			try {
				done = FloorSystem.this.tables.recordStep(key, step);
			}
			catch (SQLException ex) {
				getChannel().basicNack(envelope.getDeliveryTag(), false, true);
				return;
			}
			try {
				if (done >= FloorSystem.this.scenario.stepsPerJob()) {
					Recorder.jobFinished(key);
				}
				else if (step > 0) {
					publish(this.publish, key, step + 1);
				}
			}
			catch (Exception ex) {
				throw new IOException(ex);
			}
			getChannel().basicAck(envelope.getDeliveryTag(), false);
		}

	}

}

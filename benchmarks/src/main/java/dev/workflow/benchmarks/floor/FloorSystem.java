package dev.workflow.benchmarks.floor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
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
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.workflow.benchmarks.harness.BenchSystem;
import dev.workflow.benchmarks.harness.BrokerCounters;
import dev.workflow.benchmarks.harness.Recorder;
import dev.workflow.benchmarks.harness.Scenario;
import dev.workflow.benchmarks.harness.Servers;

/**
 * The floor: the least work our design can do per step, with nothing of an engine around it. Per step, one persistent
 * publish confirmed before going on, one consume with a manual ack, and one committed transaction that inserts a row
 * and updates another. {@value #CONSUMERS} consumers, each with its own channels and a prefetch of
 * {@value #PREFETCH}.
 */
public class FloorSystem implements BenchSystem {

	static final int CONSUMERS = 8;

	static final int PREFETCH = 8;

	private static final String QUEUE = "bench.floor";

	private Scenario scenario;

	private HikariDataSource dataSource;

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
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(servers.countingJdbcUrl());
		config.setUsername(servers.dbUser());
		config.setPassword(servers.dbPassword());
		config.setMaximumPoolSize(CONSUMERS + 4);
		config.setAutoCommit(false);
		this.dataSource = new HikariDataSource(config);
		try (Connection db = this.dataSource.getConnection(); Statement statement = db.createStatement()) {
			statement.execute("drop table if exists bench_floor_step, bench_floor_job");
			statement.execute("create table bench_floor_job (key text primary key, steps int not null)");
			statement.execute("create table bench_floor_step (id bigserial primary key, key text not null, "
					+ "step int not null, at timestamptz not null default now())");
			db.commit();
		}
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
		try (Connection db = this.dataSource.getConnection();
				PreparedStatement insert = db.prepareStatement("insert into bench_floor_job (key, steps) values (?, 0)")) {
			insert.setString(1, key);
			insert.executeUpdate();
			db.commit();
		}
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
		if (this.dataSource != null) {
			this.dataSource.close();
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
				done = record(key, step);
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

		/** Inserts the step's row and counts it on the job's row; returns the job's steps done. */
		private int record(String key, int step) throws SQLException {
			try (Connection db = FloorSystem.this.dataSource.getConnection()) {
				try (PreparedStatement insert = db
					.prepareStatement("insert into bench_floor_step (key, step) values (?, ?)");
						PreparedStatement update = db.prepareStatement(
								"update bench_floor_job set steps = steps + 1 where key = ? returning steps")) {
					insert.setString(1, key);
					insert.setInt(2, step);
					insert.executeUpdate();
					update.setString(1, key);
					try (var rows = update.executeQuery()) {
						rows.next();
						int done = rows.getInt(1);
						db.commit();
						return done;
					}
				}
				catch (SQLException ex) {
					db.rollback();
					throw ex;
				}
			}
		}

	}

}

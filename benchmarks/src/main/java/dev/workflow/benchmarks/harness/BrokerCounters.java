package dev.workflow.benchmarks.harness;

import java.util.concurrent.atomic.AtomicLong;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MetricsCollector;
import com.rabbitmq.client.NoOpMetricsCollector;

/**
 * Counts the messages a system publishes to and receives from RabbitMQ; install with
 * {@code ConnectionFactory.setMetricsCollector(BrokerCounters.collector())}.
 */
public final class BrokerCounters {

	static final AtomicLong published = new AtomicLong();

	static final AtomicLong consumed = new AtomicLong();

	private BrokerCounters() {
	}

	/**
	 * A metrics collector for the AMQP client that feeds these counters.
	 * @return the collector
	 */
	public static MetricsCollector collector() {
		return new NoOpMetricsCollector() {

			@Override
			public void basicPublish(Channel channel) {
				published.incrementAndGet();
			}

			@Override
			public void consumedMessage(Channel channel, long deliveryTag, boolean autoAck) {
				consumed.incrementAndGet();
			}

			@Override
			public void consumedMessage(Channel channel, long deliveryTag, String consumerTag) {
				consumed.incrementAndGet();
			}

		};
	}

	static void reset() {
		published.set(0);
		consumed.set(0);
	}

}

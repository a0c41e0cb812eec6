package dev.workflow.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import com.rabbitmq.client.Channel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

/**
 * Consumes step messages with manual acknowledgement: a message is acked only once the handler has returned, that is
 * once the step's outcome is committed. A poison message is copied to the parking queue, then acked, so it never
 * blocks the queue and is never lost. Any other failure (the database is away, say), and a failure to park, hands the
 * message back to the broker for another delivery after the error back-off, so that a failure that repeats never
 * spins.
 */
public class StepListener implements ChannelAwareMessageListener {

	static final String PARK_REASON_HEADER = "x-workflow-park-reason";

	private static final Log logger = LogFactory.getLog(StepListener.class);

	private final StepMessageHandler handler;

	private final StepPublisher publisher;

	private final String parkingQueue;

	private final Duration errorBackoff;

	public StepListener(StepMessageHandler handler, StepPublisher publisher, String parkingQueue,
			Duration errorBackoff) {
		this.handler = handler;
		this.publisher = publisher;
		this.parkingQueue = parkingQueue;
		this.errorBackoff = errorBackoff;
	}

	@Override
	public void onMessage(Message message, @Nullable Channel channel) throws IOException {
		if (channel == null) {
			throw new IllegalStateException("Step messages need a channel for manual acknowledgement");
		}
		long tag = message.getMessageProperties().getDeliveryTag();
		try {
			this.handler.handle(message.getBody());
			channel.basicAck(tag, false);
		}
		catch (PoisonMessageException ex) {
			logger.error("Parking message " + message.getMessageProperties().getMessageId() + " in queue '"
					+ this.parkingQueue + "': " + ex.getMessage());
			try {
				park(message, ex.getMessage());
				channel.basicAck(tag, false);
			}
			catch (RuntimeException parkFailure) {
				logger.warn("Could not park message " + message.getMessageProperties().getMessageId()
						+ "; handing it back to the broker in " + this.errorBackoff.toMillis() + " ms: " + parkFailure);
				backOffAndNack(channel, tag);
			}
		}
		catch (RuntimeException | Error ex) {
			String problem = "Could not handle step message " + message.getMessageProperties().getMessageId()
					+ "; handing it back to the broker in " + this.errorBackoff.toMillis() + " ms: " + ex;
			if (ex instanceof Error) {
				logger.error(problem, ex);
			}
			else {
				logger.warn(problem);
			}
			backOffAndNack(channel, tag);
		}
	}

	/**
	 * Hands a message back to the broker after the error back-off, so that a failure that repeats on every delivery
	 * (the database away, the parking queue unreachable) does not spin. The wait lasts the whole back-off even when the
	 * thread is unparked early (a publisher confirm that completes after its publish gave up unparks the thread that
	 * waited for it), and ends at once when the thread is interrupted (the worker is shutting down).
	 */
	private void backOffAndNack(Channel channel, long tag) throws IOException {
		long deadline = System.nanoTime() + this.errorBackoff.toNanos();
		for (long left = this.errorBackoff.toNanos(); left > 0 && !Thread.currentThread().isInterrupted();
				left = deadline - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
		channel.basicNack(tag, false, true);
	}

	private void park(Message message, @Nullable String reason) {
		message.getMessageProperties().setHeader(PARK_REASON_HEADER, reason);
		this.publisher.publishConfirmed("", this.parkingQueue, message);
	}

}

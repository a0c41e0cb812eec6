package dev.workflow.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Deletes the outbox rows of published messages in batches, on a thread of its own, so that a step's path does not
 * wait for a transaction that only tidies up. The thread wakes every {@value #INTERVAL_MILLIS} ms and deletes what
 * gathered meanwhile: a confirm costs no thread wake-up, and batches grow with the load. A row whose delete is lost (a
 * crash, a database error) is published again by the outbox relay: the duplicate is harmless, because a step
 * execution is claimed once.
 */
final class OutboxDeletes {

	private static final Log logger = LogFactory.getLog(OutboxDeletes.class);

	private static final int BATCH_SIZE = 1000;

	private static final long INTERVAL_MILLIS = 50;

	private final Queue<UUID> published = new ConcurrentLinkedQueue<>();

	private final Consumer<List<UUID>> delete;

	private final Thread thread;

	private volatile boolean stopping;

	OutboxDeletes(Consumer<List<UUID>> delete) {
		this.delete = delete;
		this.thread = new Thread(this::run, "workflow-outbox-deletes");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	void add(UUID id) {
		this.published.add(id);
	}

	/**
	 * Deletes what is queued and stops the thread, waiting for it a moment at most.
	 */
	void stop() {
		this.stopping = true;
		LockSupport.unpark(this.thread);
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		while (!this.stopping) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS));
			if (Thread.interrupted() || !deleteQueued()) {
				return;
			}
		}
		deleteQueued();
	}

	/**
	 * Deletes the rows queued now, in batches.
	 * @return {@code false} if a delete failed while stopping
	 */
	private boolean deleteQueued() {
		while (!this.published.isEmpty()) {
			List<UUID> batch = new ArrayList<>();
			UUID id;
			while (batch.size() < BATCH_SIZE && (id = this.published.poll()) != null) {
				batch.add(id);
			}
			try {
				this.delete.accept(batch);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not delete " + batch.size() + " outbox rows of published messages; the outbox "
						+ "relay publishes them again (harmless duplicates): " + ex);
				if (this.stopping) {
					return false;
				}
			}
		}
		return true;
	}

}

package dev.workflow.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Deletes the outbox rows of published messages in batches, on a thread of its own, so that a step's path does not
 * wait for a transaction that only tidies up. While one batch is deleted the next one gathers, so batches grow with
 * the load. A row whose delete is lost (a crash, a database error) is published again by the outbox relay: the
 * duplicate is harmless, because a step execution is claimed once.
 */
final class OutboxDeletes {

	private static final Log logger = LogFactory.getLog(OutboxDeletes.class);

	private static final int BATCH_SIZE = 1000;

	private final BlockingQueue<UUID> published = new LinkedBlockingQueue<>();

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
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		while (!this.stopping || !this.published.isEmpty()) {
			UUID first;
			try {
				first = this.published.poll(100, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				return;
			}
			if (first == null) {
				continue;
			}
			List<UUID> batch = new ArrayList<>();
			batch.add(first);
			this.published.drainTo(batch, BATCH_SIZE - 1);
			try {
				this.delete.accept(batch);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not delete " + batch.size() + " outbox rows of published messages; the outbox "
						+ "relay publishes them again (harmless duplicates): " + ex);
				if (this.stopping) {
					return;
				}
			}
		}
	}

}

package dev.workflow.engine;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The engine's background work on this instance: renewing the leases of running steps, moving due retries and
 * expired leases to the broker, relaying outbox rows a crash left behind and, if configured, deleting jobs that ended
 * long ago. Every instance runs it; the database hands each item to one of them.
 */
public class BackgroundWork implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(BackgroundWork.class);

	private final WorkflowEngine engine;

	private final Duration pollInterval;

	private final boolean dueWork;

	private final @Nullable Retention retention;

	private volatile ScheduledExecutorService executor;

	/**
	 * Creates the background work.
	 * @param engine the engine
	 * @param pollInterval how often due work is looked for
	 * @param dueWork whether this instance takes part in due work and retention (lease renewal always runs)
	 * @param retention deletes jobs that ended long ago, or {@code null} to keep them
	 */
	public BackgroundWork(WorkflowEngine engine, Duration pollInterval, boolean dueWork,
			@Nullable Retention retention) {
		this.engine = engine;
		this.pollInterval = pollInterval;
		this.dueWork = dueWork;
		this.retention = retention;
	}

	@Override
	public void start() {
		ScheduledExecutorService scheduler = Executors
			.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("workflow-background-"));
		long renewEvery = Math.max(1, this.engine.settings().leaseDuration().toMillis() / 3);
		scheduler.scheduleWithFixedDelay(() -> guarded("renew leases", this.engine::renewLeases), renewEvery,
				renewEvery, TimeUnit.MILLISECONDS);
		if (this.dueWork) {
			long every = Math.max(1, this.pollInterval.toMillis());
			scheduler.scheduleWithFixedDelay(() -> {
				guarded("dispatch due retries", this.engine::dispatchDueRetries);
				guarded("dispatch steps with expired leases", this.engine::dispatchExpiredLeases);
				guarded("relay the outbox", this.engine::relayOutbox);
			}, every, every, TimeUnit.MILLISECONDS);
			Retention expiry = this.retention;
			if (expiry != null) {
				long interval = Math.max(1, expiry.interval().toMillis());
				scheduler.scheduleWithFixedDelay(() -> guarded("delete expired jobs", expiry::deleteExpired), interval,
						interval, TimeUnit.MILLISECONDS);
			}
		}
		this.executor = scheduler;
	}

	private void guarded(String what, Runnable work) {
		try {
			work.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not " + what + "; trying again shortly: " + ex);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService scheduler = this.executor;
		if (scheduler != null) {
			scheduler.shutdownNow();
			this.executor = null;
		}
		this.engine.shutdown();
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	@Override
	public int getPhase() {
		// Stops after the listener containers (which stop first at a higher phase), so leases are renewed while
		// steps in flight finish.
		return SmartLifecycle.DEFAULT_PHASE - 1024;
	}

}

package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * long ago. Every instance runs it; the database hands each item to one of them. Each kind of work has a thread of
 * its own, and a failure of one run, whatever it throws, never cancels the next.
 */
public class BackgroundWork implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(BackgroundWork.class);

	private final WorkflowEngine engine;

	private final Duration pollInterval;

	private final boolean dueWork;

	private final @Nullable Retention retention;

	private final @Nullable DefaultWorkflowSchedules schedules;

	private volatile List<ScheduledExecutorService> executors = List.of();

	/**
	 * Creates the background work.
	 * @param engine the engine
	 * @param pollInterval how often due work is looked for
	 * @param dueWork whether this instance takes part in due work and retention (lease renewal always runs)
	 * @param retention deletes jobs that ended long ago, or {@code null} to keep them
	 * @param schedules fires due schedules, or {@code null} for none
	 */
	public BackgroundWork(WorkflowEngine engine, Duration pollInterval, boolean dueWork, @Nullable Retention retention,
			@Nullable DefaultWorkflowSchedules schedules) {
		this.engine = engine;
		this.pollInterval = pollInterval;
		this.dueWork = dueWork;
		this.retention = retention;
		this.schedules = schedules;
	}

	/**
	 * Starts the work, each kind on a thread of its own: lease renewal waits for nothing else (a send to a broker
	 * that does not answer, a long retention pass), since a lease that lapses has its step run again elsewhere; and
	 * due work waits for no retention pass.
	 */
	@Override
	public void start() {
		List<ScheduledExecutorService> started = new ArrayList<>();
		long renewEvery = Math.max(1, this.engine.settings().leaseDuration().toMillis() / 3);
		schedule(started, "workflow-lease-renewal-", renewEvery, "renew leases", this.engine::renewLeases);
		// Every instance that runs steps reads the pauses, whether or not it does due work: at once, then every poll.
		guarded("read the paused workflows", this.engine::refreshPauses);
		schedule(started, "workflow-pauses-", Math.max(1, this.pollInterval.toMillis()), "read the paused workflows",
				this.engine::refreshPauses);
		this.engine.startAdmissions();
		if (this.dueWork) {
			schedule(started, "workflow-background-", Math.max(1, this.pollInterval.toMillis()),
					"dispatch due work and relay the outbox", () -> {
						guarded("dispatch due retries", this.engine::dispatchDueRetries);
						guarded("dispatch steps with expired leases", this.engine::dispatchExpiredLeases);
						guarded("relay the outbox", this.engine::relayOutbox);
						guarded("end jobs past their deadline", this.engine::timeOutJobs);
						guarded("let debounced jobs go", this.engine::admitDebounced);
					});
			schedule(started, "workflow-admission-recheck-",
					Math.max(1, this.engine.settings().admissionRecheck().toMillis()), "look for waiting jobs",
					this.engine::recheckAdmissions);
			DefaultWorkflowSchedules fired = this.schedules;
			if (fired != null) {
				// A thread of its own, so that fires are on time however long a round of due work takes.
				schedule(started, "workflow-schedules-", Math.max(1, this.pollInterval.toMillis()),
						"fire due schedules", fired::fireDue);
			}
			Retention expiry = this.retention;
			if (expiry != null) {
				schedule(started, "workflow-retention-", Math.max(1, expiry.interval().toMillis()),
						"delete expired jobs", expiry::deleteExpired);
			}
		}
		this.executors = List.copyOf(started);
	}

	private void schedule(List<ScheduledExecutorService> started, String threadPrefix, long everyMillis, String what,
			Runnable work) {
		ScheduledExecutorService scheduler = Executors
			.newSingleThreadScheduledExecutor(new CustomizableThreadFactory(threadPrefix));
		scheduler.scheduleWithFixedDelay(() -> guarded(what, work), everyMillis, everyMillis, TimeUnit.MILLISECONDS);
		started.add(scheduler);
	}

	/**
	 * Runs a piece of work so that nothing it throws cancels its schedule (a periodic task that throws is never run
	 * again): a failure is logged and the work tried again at its next turn.
	 */
	private void guarded(String what, Runnable work) {
		try {
			work.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not " + what + "; trying again shortly: " + ex);
		}
		catch (Throwable ex) {
			logger.error("Could not " + what + "; trying again shortly", ex);
		}
	}

	@Override
	public void stop() {
		List<ScheduledExecutorService> running = this.executors;
		this.executors = List.of();
		running.forEach(ScheduledExecutorService::shutdownNow);
		this.engine.shutdown();
	}

	@Override
	public boolean isRunning() {
		return !this.executors.isEmpty();
	}

	@Override
	public int getPhase() {
		// Stops after the listener containers (which stop first at a higher phase), so leases are renewed while
		// steps in flight finish.
		return SmartLifecycle.DEFAULT_PHASE - 1024;
	}

}

package dev.workflow.engine;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workflow.api.StepTimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The steps this instance is running, each on the thread that took its message, so that a step costs no hand-off to
 * another thread. Their ids are those whose leases the background work renews; their deadlines are watched by a
 * thread of their own, which interrupts a step that overruns its timeout (checked every
 * {@value #WATCH_INTERVAL_MILLIS} ms).
 * <p>
 * A step that ignores the interrupt keeps its thread until it returns, and its result is then discarded; its lease is no
 * longer renewed, so it lapses and the step runs again elsewhere. That may be on this instance, under the same id:
 * each run is its own entry, which only the run that made it removes, and leases are renewed by claim epoch, so a
 * late run never stops the renewals of the one that took its place.
 */
final class RunningSteps {

	private static final Log logger = LogFactory.getLog(RunningSteps.class);

	static final long WATCH_INTERVAL_MILLIS = 50;

	/** Longest deadline we compute, so that a huge timeout cannot overflow. */
	private static final long MAX_TIMEOUT_NANOS = Duration.ofDays(365).toNanos();

	private final Map<UUID, Running> steps = new ConcurrentHashMap<>();

	private final ScheduledExecutorService watchdog;

	RunningSteps() {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("workflow-step-timeouts-");
		threads.setDaemon(true);
		this.watchdog = Executors.newSingleThreadScheduledExecutor(threads);
		this.watchdog.scheduleWithFixedDelay(this::interruptOverdue, WATCH_INTERVAL_MILLIS, WATCH_INTERVAL_MILLIS,
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Runs a step on the calling thread, interrupting it if it overruns its timeout.
	 * @param executionId the step execution
	 * @param epoch the epoch of the claim it runs under
	 * @param invoker the step
	 * @param call its arguments
	 * @return what the step returned
	 * @throws StepTimeoutException if the step was interrupted, by its timeout or because this instance stops
	 * @throws Throwable what the step threw
	 */
	@Nullable Object run(UUID executionId, int epoch, StepInvoker invoker, StepCall call) throws Throwable {
		long timeout = Math.min(invoker.timeout().toNanos(), MAX_TIMEOUT_NANOS);
		Running step = new Running(Thread.currentThread(), System.nanoTime() + timeout, epoch);
		this.steps.put(executionId, step);
		Object result = null;
		Throwable failure = null;
		try {
			result = invoker.invoke(call);
		}
		catch (Throwable ex) {
			failure = ex;
		}
		finally {
			this.steps.remove(executionId, step);
		}
		boolean inTime = step.finish();
		// What follows is the engine's own I/O, which an interrupt left by the step would break.
		Thread.interrupted();
		if (!inTime) {
			throw new StepTimeoutException("Step '" + invoker.step().name() + "' of workflow '"
					+ invoker.step().workflow() + "' ran longer than its timeout of " + invoker.timeout()
					+ " and was interrupted");
		}
		if (failure != null) {
			throw failure;
		}
		return result;
	}

	/**
	 * Returns the step executions running now whose leases are to be renewed: not those interrupted, so that a step
	 * that ignores its interrupt loses its lease and runs again elsewhere.
	 * @return their ids, each with the epoch of the claim it runs under
	 */
	Map<UUID, Integer> leased() {
		Map<UUID, Integer> claims = new HashMap<>();
		this.steps.forEach((id, step) -> {
			if (step.state.get() == Running.RUNNING) {
				claims.put(id, step.epoch);
			}
		});
		return claims;
	}

	/**
	 * Interrupts every running step and stops watching: this instance stops.
	 */
	void interruptAll() {
		this.watchdog.shutdownNow();
		this.steps.values().forEach(Running::interrupt);
	}

	private void interruptOverdue() {
		long now = System.nanoTime();
		this.steps.forEach((id, step) -> {
			if (now - step.deadline > 0 && step.interrupt()) {
				logger.warn("Step execution " + id + " overran its timeout; interrupting thread '"
						+ step.thread.getName() + "'");
			}
		});
	}

	/**
	 * One running step. Its state makes sure an interrupt meant for it never reaches what its thread does next.
	 */
	private static final class Running {

		private static final int RUNNING = 0;

		private static final int INTERRUPTING = 1;

		private static final int INTERRUPTED = 2;

		private static final int FINISHED = 3;

		private final Thread thread;

		private final long deadline;

		private final int epoch;

		private final AtomicInteger state = new AtomicInteger(RUNNING);

		Running(Thread thread, long deadline, int epoch) {
			this.thread = thread;
			this.deadline = deadline;
			this.epoch = epoch;
		}

		/**
		 * Interrupts the step's thread, unless the step has finished.
		 * @return whether it was interrupted
		 */
		boolean interrupt() {
			if (!this.state.compareAndSet(RUNNING, INTERRUPTING)) {
				return false;
			}
			this.thread.interrupt();
			this.state.set(INTERRUPTED);
			return true;
		}

		/**
		 * Called by the step's thread once the step has returned or thrown.
		 * @return {@code true} if it finished before any interrupt, {@code false} if it was interrupted
		 */
		boolean finish() {
			if (this.state.compareAndSet(RUNNING, FINISHED)) {
				return true;
			}
			while (this.state.get() != INTERRUPTED) {
				Thread.onSpinWait();
			}
			return false;
		}

	}

}

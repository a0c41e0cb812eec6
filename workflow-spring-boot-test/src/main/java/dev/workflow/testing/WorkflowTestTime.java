package dev.workflow.testing;

import java.time.Duration;
import java.time.Instant;

import dev.workflow.engine.DefaultWorkflowSchedules;
import dev.workflow.engine.WorkflowEngine;
import dev.workflow.store.JobStatistics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The time of the engine in a {@link WorkflowTest @WorkflowTest}, which a test moves forward: durable sleeps, retry
 * back-offs, event timeouts, job deadlines, debounce windows and schedule fires that fall in the span happen in the
 * same call, each at its own moment, in order.
 * <pre class="code">
 * JobHandle&lt;?&gt; job = client.start("onboarding", "ada@example.com");
 * time.advance(Duration.ofDays(3)); // the job's three-day sleep ends, and the steps after it run
 * </pre>
 * The time is the system's plus how far the test moved it; it goes on at the system's pace in between, and never
 * goes back. It is the application context's {@link java.time.Clock} bean too (primary), so the application's own
 * code that reads it sees the same time as the engine.
 */
public final class WorkflowTestTime {

	/** The most moments one {@link #advance} stops at before it jumps to the end of its span. */
	static final int MOST_STOPS = 1000;

	private static final Log logger = LogFactory.getLog(WorkflowTestTime.class);

	private final TestClock clock;

	private final ObjectProvider<WorkflowEngine> engine;

	private final ObjectProvider<JobStatistics> statistics;

	private final ObjectProvider<DefaultWorkflowSchedules> schedules;

	private volatile Duration idleTimeout = Duration.ofSeconds(30);

	WorkflowTestTime(TestClock clock, ObjectProvider<WorkflowEngine> engine, ObjectProvider<JobStatistics> statistics,
			ObjectProvider<DefaultWorkflowSchedules> schedules) {
		this.clock = clock;
		this.engine = engine;
		this.statistics = statistics;
		this.schedules = schedules;
	}

	/**
	 * Returns the engine's current time.
	 * @return the time
	 */
	public Instant now() {
		return this.clock.instant();
	}

	/**
	 * Sets how long {@link #advance} and {@link #awaitIdle()} wait for the work in hand to finish: 30 s unless set.
	 * @param timeout the longest wait
	 */
	public void setIdleTimeout(Duration timeout) {
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("The idle timeout must be positive, not " + timeout);
		}
		this.idleTimeout = timeout;
	}

	/**
	 * Moves the time forward and runs what falls due on the way. First it waits until the engine has nothing in hand
	 * (no step queued, running or due, no message unsent), so that every job waits for a time, an event or a place;
	 * then, moment by moment, it moves the time to the next thing due within the span (a step's timer, retry or
	 * timeout, a job's deadline, a schedule's fire, the end of a debounce window), runs it, and waits again until what
	 * it set going has run to its next wait; last, it moves the time to the end of the span. So when it returns, what
	 * the span holds has happened: a job that sleeps three days and then runs two steps has completed. Past
	 * {@value #MOST_STOPS} moments (a schedule every second over a day) it jumps to the end, and schedules follow
	 * their missed-fire policies.
	 * @param duration how far to move the time, zero or more
	 * @throws IllegalStateException if the work in hand does not finish within the idle timeout
	 */
	public void advance(Duration duration) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("Time only moves forward: cannot advance by " + duration);
		}
		awaitIdle();
		Instant end = now().plus(duration);
		int stops = 0;
		while (true) {
			Instant next = statistics().activity(now()).nextDue();
			if (next == null || next.isAfter(end)) {
				break;
			}
			if (++stops > MOST_STOPS) {
				logger.warn("Advancing the time by " + duration + " met more than " + MOST_STOPS + " moments when "
						+ "work falls due: jumping to the end of the span");
				break;
			}
			this.clock.moveTo(next);
			runDueWork();
			awaitIdle();
		}
		this.clock.moveTo(end);
		runDueWork();
		awaitIdle();
	}

	/**
	 * Waits until the engine has nothing in hand: no step of an open job queued, running or due, no message unsent.
	 * @throws IllegalStateException if it still has after the idle timeout
	 */
	public void awaitIdle() {
		Duration timeout = this.idleTimeout;
		try {
			Awaitility.await("the engine to finish the work in hand")
				.atMost(timeout)
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(10))
				.until(() -> statistics().activity(now()).idle());
		}
		catch (ConditionTimeoutException ex) {
			throw new IllegalStateException("The engine still has " + statistics().activity(now()).inHand()
					+ " step execution(s) or message(s) in hand after " + timeout + ": a step that does not end, or "
					+ "no worker that runs it", ex);
		}
	}

	/**
	 * Runs the due work of the background, as its next round would: deadlines, due steps, debounce windows, schedule
	 * fires and waiting jobs.
	 */
	private void runDueWork() {
		WorkflowEngine engine = this.engine.getObject();
		engine.timeOutJobs();
		while (engine.dispatchDueRetries() > 0) {
			// Each round dispatches at most workflow.scheduler.batch-size.
		}
		engine.admitDebounced();
		DefaultWorkflowSchedules fired = this.schedules.getIfAvailable();
		if (fired != null) {
			while (fired.fireDue() > 0) {
				// One schedule per round.
			}
		}
		engine.recheckAdmissions();
	}

	private JobStatistics statistics() {
		return this.statistics.getObject();
	}

	@Override
	public String toString() {
		Duration offset = this.clock.offset();
		return "WorkflowTestTime [" + now() + ((offset.isZero()) ? "" : ", " + offset + " ahead") + "]";
	}

}

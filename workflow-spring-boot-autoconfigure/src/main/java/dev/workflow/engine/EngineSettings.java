package dev.workflow.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.workflow.api.WorkflowConfigurationException;
import dev.workflow.registry.FlowLimits;

/**
 * The engine's settings, from the {@code workflow.*} properties.
 *
 * @param workerId identity of this instance in step executions
 * @param maxAttempts default most attempts of a step
 * @param initialDelay default wait before the first retry
 * @param multiplier default growth of the wait
 * @param maxDelay default longest wait
 * @param jitter share of each wait that is random
 * @param nonRetryable exception types never retried
 * @param stepTimeout default longest run of one attempt
 * @param leaseDuration how long a running step stays claimed without renewal
 * @param batchSize most items claimed in one round of background work
 * @param outboxRelayAfter age after which an outbox row counts as left behind
 * @param historyCacheJobs how many jobs' completed history a worker keeps decoded between replays
 * @param claimTimeout how long a queued step waits for a claim before its message is taken as lost
 * @param maxLeaseLapses how many times an attempt may lose its lease and be dispatched again
 * @param maxRefusals how many times the broker may refuse a step message before its step and job fail
 * @param unknownWorkTimeout how long a step may wait for an instance that has its code before its job fails
 * @param unknownWorkBackoff the wait after the first hand-back of a step this instance has no code for
 * @param unknownWorkMaxBackoff the longest wait between two hand-backs of a step
 * @param chainSteps most steps of one job a worker runs in-process after the one whose message it received
 * @param chainTimeSlice longest time a worker runs the steps of one job in-process
 * @param priorityAging how long a job waits for a place under its workflow's concurrency limits to gain one level of
 * priority
 * @param admissionRecheck how often an instance looks for waiting jobs that a lost wake-up left waiting
 * @param poolRates the rate limits of worker pools ({@code workflow.pools.<pool>.rate-limit}), by pool name
 * ({@code ""} for the default pool)
 * @param clock the clock the engine reads the time from, the one it is given; the configured waits are checked
 * against it
 */
public record EngineSettings(String workerId, int maxAttempts, Duration initialDelay, double multiplier,
		Duration maxDelay, double jitter, List<Class<? extends Throwable>> nonRetryable, Duration stepTimeout,
		Duration leaseDuration, int batchSize, Duration outboxRelayAfter, int historyCacheJobs, Duration claimTimeout,
		int maxLeaseLapses, int maxRefusals, Duration unknownWorkTimeout, Duration unknownWorkBackoff,
		Duration unknownWorkMaxBackoff, int chainSteps, Duration chainTimeSlice, Duration priorityAging,
		Duration admissionRecheck, Map<String, FlowLimits.Rate> poolRates, Clock clock) {

	private static final Duration LONGEST_TIME_SLICE = Duration.ofDays(365);

	public EngineSettings {
		poolRates = Map.copyOf(poolRates);
		Instant now = clock.instant();
		checkWait(maxDelay, now, "workflow.retry.max-delay");
		if (initialDelay.compareTo(maxDelay) > 0) {
			throw new WorkflowConfigurationException("workflow.retry.initial-delay (" + initialDelay + ") is longer than "
					+ "workflow.retry.max-delay (" + maxDelay + "), which would cut it short");
		}
		checkWait(leaseDuration, now, "workflow.worker.lease-duration");
		checkWait(claimTimeout, now, "workflow.worker.claim-timeout");
		if (maxRefusals < 1) {
			throw new WorkflowConfigurationException("workflow.broker.max-refusals must be at least 1, not " + maxRefusals);
		}
		if (maxLeaseLapses < 0) {
			throw new WorkflowConfigurationException(
					"workflow.worker.max-lease-lapses must be 0 or more, not " + maxLeaseLapses);
		}
		if (unknownWorkTimeout.isNegative() || unknownWorkTimeout.isZero()) {
			throw new WorkflowConfigurationException(
					"workflow.worker.unknown-work-timeout must be positive, not " + unknownWorkTimeout);
		}
		if (unknownWorkBackoff.isNegative()) {
			throw new WorkflowConfigurationException(
					"workflow.worker.unknown-work-backoff must not be negative, not " + unknownWorkBackoff);
		}
		if (unknownWorkMaxBackoff.compareTo(unknownWorkBackoff) < 0) {
			throw new WorkflowConfigurationException("workflow.worker.unknown-work-max-backoff (" + unknownWorkMaxBackoff
					+ ") must not be shorter than workflow.worker.unknown-work-backoff (" + unknownWorkBackoff + ")");
		}
		if (chainSteps < 0) {
			throw new WorkflowConfigurationException("workflow.worker.chain-steps must be 0 or more, not " + chainSteps);
		}
		if (chainTimeSlice.isNegative()) {
			throw new WorkflowConfigurationException(
					"workflow.worker.chain-time-slice must not be negative, not " + chainTimeSlice);
		}
		if (priorityAging.isNegative() || priorityAging.isZero()) {
			throw new WorkflowConfigurationException("workflow.flow.priority-aging must be positive, not " + priorityAging);
		}
		if (admissionRecheck.isNegative() || admissionRecheck.isZero()) {
			throw new WorkflowConfigurationException(
					"workflow.flow.admission-recheck must be positive, not " + admissionRecheck);
		}
		if (claimTimeout.isNegative() || claimTimeout.isZero()) {
			throw new WorkflowConfigurationException("workflow.worker.claim-timeout must be positive, not " + claimTimeout);
		}
	}

	/**
	 * Refuses a configured wait that would put a due time past what the engine stores.
	 */
	private static void checkWait(Duration wait, Instant now, String property) {
		String problem = Timer.waitProblem(wait, now);
		if (problem != null) {
			throw new WorkflowConfigurationException(property + " is " + wait + ": " + problem);
		}
	}

	/**
	 * Returns when a step queued at the given time counts as lost unless a worker has claimed it.
	 * @param now the time the step is queued
	 * @return the deadline of its claim
	 */
	Instant claimDeadline(Instant now) {
		return now.plus(this.claimTimeout);
	}

	/**
	 * Returns when a running step's lease lapses unless its worker renews it.
	 * @param now the time the step's worker claims it or renews its lease
	 * @return the lease's expiry
	 */
	Instant leaseExpiry(Instant now) {
		return now.plus(this.leaseDuration);
	}

	/**
	 * Returns the chain's time slice in nanoseconds, at most a year, so that a huge setting cannot overflow.
	 * @return the time slice
	 */
	long chainTimeSliceNanos() {
		return this.chainTimeSlice.compareTo(LONGEST_TIME_SLICE) > 0 ? LONGEST_TIME_SLICE.toNanos()
				: this.chainTimeSlice.toNanos();
	}

	RetryPolicy defaultRetryPolicy() {
		return new RetryPolicy(this.maxAttempts, this.initialDelay, this.multiplier, this.maxDelay, this.jitter,
				List.copyOf(this.nonRetryable));
	}

}

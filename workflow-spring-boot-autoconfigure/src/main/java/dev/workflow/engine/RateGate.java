package dev.workflow.engine;

import java.time.Duration;
import java.time.Instant;

import dev.workflow.registry.FlowLimits;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.RateLimits;
import dev.workflow.store.StepExecutions;
import dev.workflow.transport.StepMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Holds the steps of a rate-limited workflow ({@code @Workflow(rateLimit)}) to its rate, before a worker claims them:
 * a step that finds no token in the workflow's bucket reserves the next slot and waits for it in the database
 * (SCHEDULED, due then), and the background work dispatches it when it is due. The engine's own entries do not
 * count, and a rate-limited workflow's steps always go through the broker (never in-process), so that each passes
 * here.
 */
final class RateGate {

	private static final Log logger = LogFactory.getLog(RateGate.class);

	private final RateLimits rates;

	private final StepExecutions steps;

	RateGate(RateLimits rates, StepExecutions steps) {
		this.rates = rates;
		this.steps = steps;
	}

	/**
	 * Whether a step of a message may be claimed now; if not, it now waits for its slot.
	 * @param workflow the step's workflow
	 * @param message the message
	 * @param now the time
	 * @return {@code true} if it may be claimed
	 */
	boolean admit(WorkflowDefinition workflow, StepMessage message, Instant now) {
		FlowLimits.Rate rate = workflow.limits().rate();
		if (rate == null || message.step().startsWith(Replay.ENGINE_PREFIX)) {
			return true;
		}
		Duration wait = this.rates.acquire(workflow.name(), message.stepExecutionId(), message.attempt(),
				rate.permits(), rate.perSecond(), now);
		if (wait == null) {
			return true;
		}
		if (this.steps.postpone(message.stepExecutionId(), message.attempt(), now.plus(wait), now)
				&& logger.isDebugEnabled()) {
			logger.debug("Step '" + message.step() + "' of job " + message.jobId() + " waits " + wait
					+ " for its slot under the rate limit " + rate + " of workflow '" + workflow.name() + "'");
		}
		return false;
	}

}

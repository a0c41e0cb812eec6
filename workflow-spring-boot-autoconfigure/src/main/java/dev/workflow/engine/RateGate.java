package dev.workflow.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.workflow.registry.FlowLimits;
import dev.workflow.registry.StepDefinition;
import dev.workflow.registry.WorkerPools;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.registry.WorkflowRegistry;
import dev.workflow.store.RateLimits;
import dev.workflow.store.StepExecutions;
import dev.workflow.transport.StepMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Holds steps to the rates over them, before a worker claims them: their workflow's ({@code @Workflow(rateLimit)}),
 * their own ({@code @Step(rateLimit)}) and their pool's ({@code workflow.pools.<pool>.rate-limit}). A step that
 * finds no room under one of them reserves a slot and waits for it in the database (SCHEDULED, due then), and the
 * background work dispatches it when it is due (see {@link RateLimits}). The engine's own entries do not count, and
 * the steps of a workflow that a rate may hold always go through the broker (never in-process), so that each passes
 * here.
 */
final class RateGate {

	private static final Log logger = LogFactory.getLog(RateGate.class);

	private final RateLimits rates;

	private final StepExecutions steps;

	private final StepBindings bindings;

	private final TransactionTemplate transactions;

	private final Map<String, FlowLimits.Rate> poolRates;

	private final Map<String, List<RateLimits.Bucket>> buckets = new ConcurrentHashMap<>();

	private final Map<String, Boolean> limited = new ConcurrentHashMap<>();

	private final Set<String> created = ConcurrentHashMap.newKeySet();

	RateGate(RateLimits rates, StepExecutions steps, StepBindings bindings, TransactionTemplate transactions,
			EngineSettings settings) {
		this.rates = rates;
		this.steps = steps;
		this.bindings = bindings;
		this.transactions = transactions;
		this.poolRates = settings.poolRates();
	}

	/**
	 * Whether a step of a message may be claimed now; if not, it now waits for its slot.
	 * @param workflow the step's workflow
	 * @param message the message
	 * @param now the time
	 * @return {@code true} if it may be claimed
	 */
	boolean admit(WorkflowDefinition workflow, StepMessage message, Instant now) {
		List<RateLimits.Bucket> over = this.buckets.computeIfAbsent(workflow.name() + '\0' + message.step(),
				(key) -> buckets(workflow, message.step()));
		if (over.isEmpty()) {
			return true;
		}
		for (int tries = 0;; tries++) {
			if (!over.stream().allMatch((bucket) -> this.created.contains(bucket.name()))) {
				this.rates.create(over, now);
				over.forEach((bucket) -> this.created.add(bucket.name()));
			}
			try {
				return Boolean.TRUE.equals(this.transactions.execute((status) -> acquire(over, message, now, status)));
			}
			catch (RateLimits.MissingBucketException ex) {
				if (tries > 0) {
					throw ex;
				}
				// Deleted since this instance made it: made again, full.
				over.forEach((bucket) -> this.created.remove(bucket.name()));
			}
		}
	}

	private boolean acquire(List<RateLimits.Bucket> over, StepMessage message, Instant now,
			TransactionStatus status) {
		RateLimits.Reservation slot = this.rates.acquire(over, message.stepExecutionId(), message.attempt(), now);
		if (slot == null) {
			return true;
		}
		if (this.steps.postpone(message.stepExecutionId(), message.attempt(), slot, now)) {
			if (logger.isDebugEnabled()) {
				logger.debug("Step '" + message.step() + "' of job " + message.jobId() + " waits " + slot.delay()
						+ " for its slot under the rate limits " + slot.buckets() + " (wait " + slot.waits() + ")");
			}
		}
		else {
			// Not queued (ended, or claimed elsewhere): nothing to hold, and no slot to keep.
			status.setRollbackOnly();
		}
		return false;
	}

	/**
	 * Whether a rate may hold a step of a workflow, so that its steps must not run in-process one after another.
	 * @param workflow the workflow
	 * @return {@code true} if its own rate, a rate of one of its steps, or a rate of a pool they run in may hold
	 * them
	 */
	boolean mayHold(WorkflowDefinition workflow) {
		return this.limited.computeIfAbsent(workflow.name(), (name) -> {
			if (workflow.limits().rateLimited()) {
				return true;
			}
			if (workflow.orchestrated()) {
				// The steps it calls are known only as it calls them.
				return !this.poolRates.isEmpty() || this.bindings.registry()
					.callableSteps()
					.values()
					.stream()
					.anyMatch((step) -> step.rate() != null);
			}
			return workflow.steps()
				.stream()
				.anyMatch((step) -> step.rate() != null || this.poolRates.containsKey(step.pool()));
		});
	}

	/**
	 * Returns the buckets over a step: its workflow's, its own and its pool's, those that have a rate.
	 */
	private List<RateLimits.Bucket> buckets(WorkflowDefinition workflow, String step) {
		List<RateLimits.Bucket> over = new ArrayList<>(3);
		if (step.startsWith(Replay.ENGINE_PREFIX)) {
			return over;
		}
		add(over, workflow.name(), workflow.limits().rate());
		WorkflowRegistry registry = this.bindings.registry();
		StepDefinition definition = workflow.orchestrated() ? registry.callableStep(step) : workflow.step(step);
		if (definition != null) {
			add(over, "step:" + (definition.workflow().isEmpty() ? "" : definition.workflow() + "/")
					+ definition.name(), definition.rate());
		}
		String pool = registry.pool(workflow, step);
		add(over, "pool:" + (pool.isEmpty() ? WorkerPools.DEFAULT_NAME : pool), this.poolRates.get(pool));
		return List.copyOf(over);
	}

	private static void add(List<RateLimits.Bucket> buckets, String name, FlowLimits.@Nullable Rate rate) {
		if (rate != null) {
			buckets.add(new RateLimits.Bucket(name, rate.permits(), rate.perSecond()));
		}
	}

}

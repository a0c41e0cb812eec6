package dev.workflow.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;

import dev.workflow.api.JobError;
import dev.workflow.api.UnknownWorkflowException;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.registry.WorkflowRegistry;
import dev.workflow.store.JobStatistics;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.store.StepExecutions;
import dev.workflow.transport.StepMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Work this instance has no code for: a step of a workflow (or a workflow) that another release has (a rolling
 * deploy) or that this release removed, or a job that started under a newer release than this instance's. Such a step is never a reason to fail its job at once: it is handed
 * back, in one statement that gives the queued step execution a deadline after a back-off (the dispatch of expired
 * leases sends it again then, and a queued step's re-dispatch counts no lease lapse) and remembers since when it waits
 * for a capable instance. A claim by an instance that has the code clears the mark. Only an instance that receives
 * the step after it has waited longer than {@code workflow.worker.unknown-work-timeout} fails the attempt, through
 * the engine's failure path.
 * <p>
 * The back-off starts at {@code workflow.worker.unknown-work-backoff} (500 ms) and doubles with each hand-back of the
 * step, up to {@code workflow.worker.unknown-work-max-backoff} (30 s): while a capable instance shares the queue, the next delivery reaches it with the
 * share of consumers it has, so a short first back-off keeps the added latency small; while none does (the new
 * release not yet deployed, a step removed), a step costs one statement and one message every 30 seconds.
 */
final class UnknownWork {

	private static final Log logger = LogFactory.getLog(UnknownWork.class);

	/** How many jobs found ahead of this instance's code it remembers. */
	private static final int AHEAD_JOBS = 10_000;

	/** Hand-backs by this JVM's engines, for measurement. */
	static final AtomicLong handedBack = new AtomicLong();

	private final StepExecutions steps;

	private final JobStatistics statistics;

	private final Clock clock;

	private final EngineSettings settings;

	/** The workflows and steps this instance has said it hands back, so that it says so once at INFO. */
	private final Set<String> reported = ConcurrentHashMap.newKeySet();

	private volatile List<JobStatistics.StepGroup> removedSteps = List.of();

	/** The jobs whose histories this instance found ahead of its code, with why; the most recent ones. */
	private final Map<UUID, String> aheadJobs = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<UUID, String> eldest) {
			return size() > AHEAD_JOBS;
		}
	});

	UnknownWork(StepExecutions steps, JobStatistics statistics, Clock clock, EngineSettings settings) {
		this.steps = steps;
		this.statistics = statistics;
		this.clock = clock;
		this.settings = settings;
	}

	/**
	 * Hands back the step of a message this instance has no code for.
	 * @param message the message
	 * @param workflow the workflow's definition on this instance, or {@code null} if it has none
	 * @param why why this instance cannot run it, if not because it lacks the workflow or step (the job started under
	 * a newer definition of its pipeline, say)
	 * @return {@code null} if the step was handed back; else the error to fail the attempt with, should it have
	 * waited past the timeout (the caller checks it has: a capable instance may have taken it meanwhile)
	 */
	@Nullable JobError handBack(StepMessage message, @Nullable WorkflowDefinition workflow, @Nullable String why) {
		String missing = (why != null) ? why : missing(message, workflow);
		Instant now = this.clock.instant();
		int handBacks = this.steps.handBack(message.stepExecutionId(), message.attempt(), backoff(now),
				now.minus(this.settings.unknownWorkTimeout()));
		if (handBacks == 0) {
			return new JobError(UnknownWorkflowException.class.getName(), missing
					+ ", and no instance able to run it has taken it within workflow.worker.unknown-work-timeout ("
					+ this.settings.unknownWorkTimeout() + "). Deploy a release that has it, or cancel the job.", null);
		}
		handedBack.incrementAndGet();
		String about = "step '" + message.step() + "' of workflow '" + message.workflow() + "'";
		String what = "Handing back " + about + " (job " + message.jobId() + ", attempt " + message.attempt()
				+ ", hand-back " + handBacks + "): " + missing
				+ "; an instance of another release may have it, and it fails only if none takes it within "
				+ "workflow.worker.unknown-work-timeout (" + this.settings.unknownWorkTimeout() + ")";
		if (this.reported.add(message.workflow() + "\0" + message.step())) {
			logger.info(what + ". Further hand-backs of this step are logged at DEBUG.");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(what);
		}
		return null;
	}

	/**
	 * Hands back a step this instance has run but cannot record the outcome of: its job's history holds an entry of a
	 * newer release of the workflow (a rolling deploy), so this instance cannot replay it. In one statement its claim
	 * is released and the step waits out a back-off like unknown work, for an instance of that release; it runs again
	 * there (steps run at least once). This instance remembers the job, and hands its next steps back before it runs
	 * them ({@link #behind}), so that the step's effects are not repeated here and the unknown-work timeout applies.
	 * @param message the message of the step
	 * @param epoch the claim this instance holds
	 * @param ahead what the replay found
	 */
	void handBackAhead(StepMessage message, int epoch, HistoryAheadException ahead) {
		this.aheadJobs.put(message.jobId(), ahead.getMessage());
		if (!this.steps.releaseAndHandBack(
				new StepExecutions.HeldClaim(message.stepExecutionId(), message.attempt(), epoch),
				backoff(this.clock.instant()))) {
			return;
		}
		handedBack.incrementAndGet();
		String what = "Handing back step '" + message.step() + "' of job " + message.jobId() + " (attempt "
				+ message.attempt() + "), whose outcome this instance cannot record: " + ahead.getMessage()
				+ ". It runs again on an instance of that release; this instance hands the job's steps back from now on";
		if (this.reported.add(message.workflow() + "\0ahead")) {
			logger.info(what + ". Further hand-backs of workflow '" + message.workflow()
					+ "' for this reason are logged at DEBUG.");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(what);
		}
	}

	/**
	 * Tells whether this instance found a job's history ahead of its code: it then hands the job's steps back without
	 * running them.
	 * @param message a step message
	 * @return why this instance cannot run the job's steps, or {@code null} if it can
	 */
	@Nullable String behind(StepMessage message) {
		return this.aheadJobs.get(message.jobId());
	}


	/**
	 * Whether a queued step execution has waited for a capable instance longer than the timeout allows.
	 * @param execution the step execution
	 * @param attempt the attempt of the message that found it so
	 * @return {@code true} if its attempt is to fail
	 */
	boolean pastTimeout(StepExecutionEntity execution, int attempt) {
		Instant since = execution.getUnrunnableSince();
		return execution.getAttempt() == attempt && since != null
				&& since.plus(this.settings.unknownWorkTimeout()).isBefore(this.clock.instant());
	}

	private static String missing(StepMessage message, @Nullable WorkflowDefinition workflow) {
		return (workflow == null)
				? "this instance has no workflow named '" + message.workflow() + "' (for step '" + message.step() + "')"
				: "workflow '" + message.workflow() + "' has no step named '" + message.step() + "' on this instance";
	}

	/**
	 * Finds the steps that jobs not yet ended wait at and that this release's definitions of their workflows lack
	 * (removed, or renamed without an alias), and says so, once per workflow and step. Those jobs are not failed:
	 * their steps are handed back like any unknown work.
	 * @param registry this instance's workflows
	 * @param known whether this instance can run a step of a workflow
	 */
	void checkRemovedSteps(WorkflowRegistry registry, BiPredicate<WorkflowDefinition, String> known) {
		List<JobStatistics.StepGroup> removed = new ArrayList<>();
		try {
			for (JobStatistics.StepGroup group : this.statistics.waitingSteps()) {
				WorkflowDefinition workflow = registry.find(group.workflow());
				if (workflow != null && !group.step().equals(Replay.CHILD_ENTRY) && !known.test(workflow, group.step())) {
					removed.add(group);
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not check whether jobs wait at steps this release removed: " + ex);
			return;
		}
		for (JobStatistics.StepGroup group : removed) {
			logger.warn(group.jobs() + " job(s) of workflow '" + group.workflow() + "' wait at step '" + group.step()
					+ "', which this release's definition of the workflow does not have (removed, or renamed without "
					+ "@Step(aliases)). They are not failed: this instance hands their step back for an instance of "
					+ "a release that has it, and the job fails once the step has waited longer than "
					+ "workflow.worker.unknown-work-timeout (" + this.settings.unknownWorkTimeout() + ") with none. "
					+ "Keep the step (or an alias) until they are done, or cancel them.");
		}
		this.removedSteps = List.copyOf(removed);
	}

	/**
	 * Returns the steps that jobs waited at when this instance started and that this release lacks.
	 * @return the steps, by workflow and step
	 */
	List<JobStatistics.StepGroup> removedSteps() {
		return this.removedSteps;
	}

	private StepExecutions.Backoff backoff(Instant now) {
		return new StepExecutions.Backoff(now, this.settings.unknownWorkBackoff(), this.settings.unknownWorkMaxBackoff());
	}

}

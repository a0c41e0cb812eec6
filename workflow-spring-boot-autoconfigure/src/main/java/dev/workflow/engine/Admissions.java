package dev.workflow.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import dev.workflow.api.JobStatus;
import dev.workflow.registry.FlowLimits;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.DataAccessFailures;
import dev.workflow.store.JobEntity;
import dev.workflow.store.JobRows;
import dev.workflow.store.WaitingJobs;
import dev.workflow.transport.OutboundMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Lets jobs that wait for a place under their workflow's concurrency limits go (WAITING to QUEUED), when a place
 * frees: after a job of the workflow starts, ends or is retried, and, for a wake-up that a crash or an unreachable
 * database lost, every {@code workflow.flow.admission-recheck}.
 * <p>
 * Wake-ups are handed to one thread of this instance, which coalesces them by workflow: however many jobs of a
 * workflow end at the same moment, one admission looks at its waiting jobs. An admission is one transaction that
 * holds the workflow's advisory lock (see {@link WaitingJobs}), so instances never let through more jobs than there
 * are places between them.
 */
final class Admissions {

	private static final Log logger = LogFactory.getLog(Admissions.class);

	private static final int STOP_WAIT_SECONDS = 5;

	private final StepBindings bindings;

	private final JobRows jobs;

	private final WaitingJobs waiting;

	private final TransactionTemplate transactions;

	private final EngineSettings settings;

	private final Clock clock;

	private final JobTransitions transitions;

	private final OutboxMessages outbox;

	private final Set<String> requested = ConcurrentHashMap.newKeySet();

	private @Nullable ExecutorService executor;

	/** Whether this instance is stopping or stopped: it asks for no admissions until it starts again. */
	private volatile boolean stopped;

	Admissions(StepBindings bindings, JobRows jobs, WaitingJobs waiting, TransactionTemplate transactions,
			EngineSettings settings, Clock clock, JobTransitions transitions, OutboxMessages outbox) {
		this.bindings = bindings;
		this.jobs = jobs;
		this.waiting = waiting;
		this.transactions = transactions;
		this.settings = settings;
		this.clock = clock;
		this.transitions = transitions;
		this.outbox = outbox;
	}

	/**
	 * Whether a job waits for a place before it runs, and its end frees one: its workflow has a limit in all, or
	 * the job a concurrency key.
	 * @param workflow the job's workflow
	 * @param concurrencyKey the job's concurrency key
	 * @return {@code true} if it waits
	 */
	static boolean waits(WorkflowDefinition workflow, @Nullable String concurrencyKey) {
		return concurrencyKey != null || workflow.limits().limited();
	}

	/**
	 * Asks this instance to let through the waiting jobs of a workflow that may go now, soon, on the admission
	 * thread. Requests for a workflow that arrive before its admission begins are served by that one admission.
	 * @param workflowName the workflow
	 */
	void request(String workflowName) {
		if (this.stopped) {
			// Another instance, or this one's next start, lets the jobs through.
			return;
		}
		if (this.requested.add(workflowName)) {
			try {
				executor().execute(this::admitRequested);
			}
			catch (RejectedExecutionException ex) {
				// Stopping: another instance, or this one's next start, lets the jobs through.
				this.requested.remove(workflowName);
			}
		}
	}

	/**
	 * The admission thread, started by the first request after this instance (re)starts.
	 */
	private synchronized ExecutorService executor() {
		ExecutorService current = this.executor;
		if (current == null) {
			CustomizableThreadFactory threads = new CustomizableThreadFactory("workflow-admission-");
			threads.setDaemon(true);
			current = Executors.newSingleThreadExecutor(threads);
			this.executor = current;
		}
		return current;
	}

	/**
	 * Looks for waiting jobs of every workflow that has some, in case a wake-up was lost: called by the background
	 * work.
	 */
	void recheck() {
		this.waiting.waitingWorkflows().forEach(this::request);
	}

	/**
	 * Asks for an admission of the workflows that have debounced jobs whose window has passed: called by the
	 * background work every poll.
	 */
	void admitDebounced() {
		Instant now = this.clock.instant();
		this.waiting.debouncedWorkflowsDue(now.minus(this.settings.admissionRecheck()), now).forEach(this::request);
	}

	private void admitRequested() {
		for (String workflowName : List.copyOf(this.requested)) {
			this.requested.remove(workflowName);
			WorkflowDefinition workflow = this.bindings.registry().find(workflowName);
			if (workflow == null) {
				// Jobs of a workflow this instance does not have: an instance that has it lets them through.
				continue;
			}
			try {
				while (admit(workflow) == this.settings.batchSize()) {
					// A full batch: there may be more.
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Could not let waiting jobs of workflow '" + workflowName + "' through; trying again within "
						+ this.settings.admissionRecheck() + ": " + ex);
			}
		}
	}

	/**
	 * Lets through, in one transaction, the waiting jobs of a workflow that may go now, and publishes their first
	 * messages after commit.
	 * @param workflow the workflow
	 * @return how many jobs the workflow's limits let through
	 */
	int admit(WorkflowDefinition workflow) {
		FlowLimits limits = workflow.limits();
		int[] admitted = new int[1];
		List<OutboundMessage> outbound;
		try {
			outbound = this.transactions.execute((status) -> {
				this.waiting.lock(workflow.name());
				Instant now = this.clock.instant();
				List<UUID> ids = this.waiting.admissible(workflow.name(), limits.concurrency(),
						limits.keyConcurrency(), this.settings.priorityAging(), this.settings.batchSize(), now);
				admitted[0] = ids.size();
				List<OutboundMessage> messages = new ArrayList<>();
				for (UUID id : ids) {
					JobEntity job = this.jobs.lock(id);
					// A debounced job whose key was started again since the query waits on.
					if (job != null && job.getStatus() == JobStatus.WAITING
							&& (job.getNotBefore() == null || !job.getNotBefore().isAfter(now))) {
						messages.addAll(admitOrThrow(workflow, job, now));
					}
				}
				return messages;
			});
		}
		catch (UnadmittableJobException ex) {
			// The whole batch rolled back: the job fails on its own, and the next admission lets the others go.
			// (If even that fails, the recheck tries again.)
			return failUnadmittable(workflow, ex.jobId, ex.getCause()) ? this.settings.batchSize() : 0;
		}
		this.outbox.publish(outbound);
		return admitted[0];
	}

	private List<OutboundMessage> admitOrThrow(WorkflowDefinition workflow, JobEntity job, Instant now) {
		try {
			return this.transitions.admit(workflow, job, now);
		}
		catch (DataAccessException ex) {
			if (DataAccessFailures.isTransient(ex)) {
				// The database, not the job: the next admission (or recheck) tries again.
				throw ex;
			}
			// A value of the job's own the database refuses: it can never go.
			throw new UnadmittableJobException(job.getId(), ex);
		}
		catch (RuntimeException ex) {
			// The job's own first steps (a message too large to send, a child that cannot start): it can never go.
			throw new UnadmittableJobException(job.getId(), ex);
		}
	}

	private boolean failUnadmittable(WorkflowDefinition workflow, UUID jobId, RuntimeException cause) {
		logger.warn("Job " + jobId + " of workflow '" + workflow.name() + "' cannot be let through: its first steps "
				+ "could not be dispatched; it fails", cause);
		try {
			this.outbox.publish(this.transactions.execute((status) -> {
				JobEntity job = this.jobs.lock(jobId);
				if (job == null || job.getStatus() != JobStatus.WAITING) {
					return List.of();
				}
				return this.transitions.end(job, new Decision.End(JobStatus.FAILED, null, JobErrors.of(cause)),
						this.clock.instant());
			}));
			return true;
		}
		catch (RuntimeException ex) {
			logger.error("Could not fail job " + jobId + " of workflow '" + workflow.name() + "', which cannot be let "
					+ "through; trying again within " + this.settings.admissionRecheck()
					+ " (cancel it to let the jobs behind it go)", ex);
			return false;
		}
	}

	/**
	 * Lets admissions be asked for again, after a {@link #stop}.
	 */
	void start() {
		this.stopped = false;
	}

	/**
	 * Stops the admission thread, and waits a little for an admission under way: what it has not done, another
	 * instance (or this one's next start) does.
	 */
	void stop() {
		this.stopped = true;
		ExecutorService running;
		synchronized (this) {
			running = this.executor;
			this.executor = null;
		}
		if (running == null) {
			return;
		}
		running.shutdownNow();
		// Requests the stopped thread did not serve: after a restart, their workflows may be asked for again.
		this.requested.clear();
		try {
			if (!running.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
				logger.warn("An admission of waiting jobs was still under way at shutdown; it rolls back");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A waiting job whose first steps could not be dispatched when it was let through, for a reason of its own.
	 */
	private static final class UnadmittableJobException extends RuntimeException {

		private final UUID jobId;

		UnadmittableJobException(UUID jobId, RuntimeException cause) {
			super(cause);
			this.jobId = jobId;
		}

		@Override
		public synchronized RuntimeException getCause() {
			return (RuntimeException) super.getCause();
		}

	}

}

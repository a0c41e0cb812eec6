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

import dev.workflow.api.JobStatus;
import dev.workflow.registry.FlowLimits;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.JobEntity;
import dev.workflow.store.JobRows;
import dev.workflow.store.WaitingJobs;
import dev.workflow.transport.OutboundMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Lets jobs that wait for a place under their workflow's concurrency limits go (WAITING to QUEUED), when a place
 * frees: after a job of the workflow starts, ends or is retried, and, for a wake-up that a crash or an unreachable
 * database lost, every {@code workflow.flow.recheck-interval}.
 * <p>
 * Wake-ups are handed to one thread of this instance, which coalesces them by workflow: however many jobs of a
 * workflow end at the same moment, one admission looks at its waiting jobs. An admission is one transaction that
 * holds the workflow's advisory lock (see {@link WaitingJobs}), so instances never let through more jobs than there
 * are places between them.
 */
final class Admissions {

	private static final Log logger = LogFactory.getLog(Admissions.class);

	private final StepBindings bindings;

	private final JobRows jobs;

	private final WaitingJobs waiting;

	private final TransactionTemplate transactions;

	private final EngineSettings settings;

	private final Clock clock;

	private final JobTransitions transitions;

	private final OutboxMessages outbox;

	private final Set<String> requested = ConcurrentHashMap.newKeySet();

	private final ExecutorService executor = Executors
		.newSingleThreadExecutor(new CustomizableThreadFactory("workflow-admission-"));

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
		if (this.requested.add(workflowName)) {
			try {
				this.executor.execute(this::admitRequested);
			}
			catch (RejectedExecutionException ex) {
				// Stopping: another instance, or this one's next start, lets the jobs through.
				this.requested.remove(workflowName);
			}
		}
	}

	/**
	 * Looks for waiting jobs of every workflow that has some, in case a wake-up was lost: called by the background
	 * work.
	 */
	void recheck() {
		this.waiting.waitingWorkflows().forEach(this::request);
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
		List<OutboundMessage> outbound = this.transactions.execute((status) -> {
			this.waiting.lock(workflow.name());
			Instant now = this.clock.instant();
			List<UUID> ids = this.waiting.admissible(workflow.name(), limits.concurrency(), limits.keyConcurrency(),
					this.settings.priorityAging(), this.settings.batchSize(), now);
			admitted[0] = ids.size();
			List<OutboundMessage> messages = new ArrayList<>();
			for (UUID id : ids) {
				JobEntity job = this.jobs.lock(id);
				if (job != null && job.getStatus() == JobStatus.WAITING) {
					messages.addAll(this.transitions.admit(workflow, job, now));
				}
			}
			return messages;
		});
		this.outbox.publish(outbound);
		return admitted[0];
	}

	/**
	 * Stops the admission thread: what it has not done, another instance (or this one's next start) does.
	 */
	void stop() {
		this.executor.shutdownNow();
	}

}

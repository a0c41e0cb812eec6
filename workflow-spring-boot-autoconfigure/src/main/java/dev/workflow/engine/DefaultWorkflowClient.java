package dev.workflow.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.workflow.api.BulkResult;
import dev.workflow.api.Job;
import dev.workflow.api.JobAction;
import dev.workflow.api.JobError;
import dev.workflow.api.JobFailedException;
import dev.workflow.api.JobHandle;
import dev.workflow.api.JobNotFoundException;
import dev.workflow.api.JobQuery;
import dev.workflow.api.JobStatus;
import dev.workflow.api.JobTimeoutException;
import dev.workflow.api.StartOptions;
import dev.workflow.api.StepExecution;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowSummary;
import dev.workflow.registry.StepDefinition;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.EndedJobs;
import dev.workflow.store.JobActions;
import dev.workflow.store.JobEntity;
import dev.workflow.store.JobRows;
import dev.workflow.store.JobSearch;
import dev.workflow.store.JobStatistics;
import dev.workflow.store.StepExecutions;
import org.jspecify.annotations.Nullable;

/**
 * The {@link WorkflowClient} of the engine: starts through the engine, reads from the database, so that it sees
 * jobs whatever instance runs their steps.
 */
public class DefaultWorkflowClient implements WorkflowClient {

	private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	/** How many minutes {@link WorkflowSummary#throughput()} covers. */
	private static final int THROUGHPUT_MINUTES = 15;

	private final WorkflowEngine engine;

	private final JobRows jobs;

	private final StepExecutions steps;

	private final JobSearch search;

	private final JobStatistics statistics;

	private final JobActions actions;

	private final BulkActions bulk;

	/**
	 * Creates a client.
	 * @param engine the engine that starts and changes jobs
	 * @param jobs the rows of jobs, for lookups
	 * @param steps the rows of step executions, for history reads
	 * @param search the job search behind {@link #find}
	 * @param statistics the counts behind {@link #summaries}
	 * @param actions the records of bulk actions
	 * @param endedJobs the deletions of ended jobs, for bulk deletes
	 */
	public DefaultWorkflowClient(WorkflowEngine engine, JobRows jobs, StepExecutions steps, JobSearch search,
			JobStatistics statistics, JobActions actions, EndedJobs endedJobs) {
		this.engine = engine;
		this.jobs = jobs;
		this.steps = steps;
		this.search = search;
		this.statistics = statistics;
		this.actions = actions;
		this.bulk = new BulkActions(engine, search, actions, endedJobs);
	}

	@Override
	public JobHandle<Object> start(String workflow, @Nullable Object input, StartOptions options) {
		Started started = this.engine.start(workflow, input, options);
		return new Handle<>(started.jobId(), Object.class, started.created());
	}

	@Override
	public List<JobHandle<Object>> startAll(String workflow, List<?> inputs, StartOptions options) {
		return this.engine.startAll(workflow, inputs, options)
			.stream()
			.<JobHandle<Object>>map((id) -> new Handle<>(id, Object.class, true))
			.toList();
	}

	@Override
	public <R> JobHandle<R> handle(UUID jobId, Class<R> resultType) {
		if (!Boolean.TRUE.equals(this.engine.transactions().execute((status) -> this.jobs.find(jobId) != null))) {
			throw new JobNotFoundException("No job with id " + jobId);
		}
		return new Handle<>(jobId, resultType, false);
	}

	@Override
	public void cancel(UUID jobId) {
		this.engine.cancel(jobId);
	}

	@Override
	public void retry(UUID jobId) {
		this.engine.retry(jobId);
	}

	@Override
	public long count(JobQuery query) {
		return this.bulk.count(query);
	}

	@Override
	public BulkResult retryAll(JobQuery query, String actor) {
		return this.bulk.retryAll(query, actor);
	}

	@Override
	public BulkResult cancelAll(JobQuery query, String actor) {
		return this.bulk.cancelAll(query, actor);
	}

	@Override
	public BulkResult deleteAll(JobQuery query, String actor) {
		return this.bulk.deleteAll(query, actor);
	}

	@Override
	public List<JobAction> actions(UUID jobId) {
		List<JobAction> found = this.engine.transactions()
			.execute((status) -> this.actions.list(jobId)
				.stream()
				.map((row) -> new JobAction(row.action(), row.actor(), row.at()))
				.toList());
		return (found != null) ? found : List.of();
	}

	@Override
	public boolean pause(String workflow) {
		return this.engine.pause(workflow);
	}

	@Override
	public boolean resume(String workflow) {
		return this.engine.resume(workflow);
	}

	@Override
	public void sendEvent(UUID jobId, String name, @Nullable Object payload) {
		this.engine.sendEvent(jobId, name, payload);
	}

	@Override
	public Optional<Job> get(UUID jobId) {
		return Optional.ofNullable(this.engine.transactions().execute((status) -> {
			JobEntity entity = this.jobs.find(jobId);
			return (entity != null) ? toJob(entity) : null;
		}));
	}

	@Override
	public List<Job> find(JobQuery query) {
		String probe = BulkActions.userContextJson(this.engine.json(), query);
		List<Job> jobs = this.engine.transactions()
			.execute((status) -> this.search
				.find(query, probe)
				.stream()
				.map(this::toJob)
				.toList());
		return (jobs != null) ? jobs : List.of();
	}

	@Override
	public List<StepExecution> history(UUID jobId) {
		WorkflowJson json = this.engine.json();
		List<StepExecution> history = this.engine.transactions().execute((status) -> {
			if (this.jobs.find(jobId) == null) {
				throw new JobNotFoundException("No job with id " + jobId);
			}
			return this.steps.history(jobId, 0)
				.stream()
				.map((entry) -> new StepExecution(entry.getId(), entry.getSequence(), entry.getStepName(),
						entry.getAttempt(), entry.getStatus(), json.read(entry.getInput(), Object.class),
						json.read(entry.getOutput(), Object.class),
						error(entry.getErrorType(), entry.getErrorMessage(), entry.getErrorStack()),
						entry.getCreatedAt(), entry.getStartedAt(), entry.getFinishedAt(), entry.getDueAt(),
						entry.getWorkerId()))
				.toList();
		});
		return (history != null) ? history : List.of();
	}

	@Override
	public List<WorkflowSummary> summaries() {
		Instant now = this.engine.clock().instant();
		Instant hourAgo = now.minus(Duration.ofHours(1));
		Instant firstMinute = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(THROUGHPUT_MINUTES - 1));
		record Counts(List<JobStatistics.WorkflowCounts> byStatus, List<JobStatistics.EndedInMinute> ended) {
		}
		// The ended jobs of the last hour, read once: their sum, and the last minutes of them one by one.
		Counts counts = this.engine.transactions()
			.execute((status) -> new Counts(this.statistics.countByStatus(),
					this.statistics.countEndedPerMinute(hourAgo)));
		Map<String, Instant> paused = this.engine.pausedWorkflows();
		Map<String, WorkflowDefinition> registered = new TreeMap<>();
		this.engine.registry().all().forEach((workflow) -> registered.put(workflow.name(), workflow));
		Set<String> names = new TreeSet<>(registered.keySet());
		counts.byStatus().forEach((count) -> names.add(count.workflow()));
		List<WorkflowSummary> summaries = new ArrayList<>(names.size());
		for (String name : names) {
			Map<JobStatus, Long> byStatus = new EnumMap<>(JobStatus.class);
			for (JobStatus status : JobStatus.values()) {
				byStatus.put(status, 0L);
			}
			for (JobStatistics.WorkflowCounts count : counts.byStatus()) {
				if (count.workflow().equals(name)) {
					byStatus.putAll(count.counts());
				}
			}
			long completed = 0;
			long failed = 0;
			for (JobStatistics.EndedInMinute ended : counts.ended()) {
				if (ended.workflow().equals(name)) {
					completed += (ended.status() == JobStatus.COMPLETED) ? ended.jobs() : 0;
					failed += (ended.status() == JobStatus.FAILED) ? ended.jobs() : 0;
				}
			}
			List<WorkflowSummary.Minute> minutes = new ArrayList<>(THROUGHPUT_MINUTES);
			for (int i = 0; i < THROUGHPUT_MINUTES; i++) {
				Instant minute = firstMinute.plus(Duration.ofMinutes(i));
				long completedIn = 0;
				long failedIn = 0;
				for (JobStatistics.EndedInMinute ended : counts.ended()) {
					if (ended.workflow().equals(name) && ended.minute().equals(minute)) {
						completedIn += (ended.status() == JobStatus.COMPLETED) ? ended.jobs() : 0;
						failedIn += (ended.status() == JobStatus.FAILED) ? ended.jobs() : 0;
					}
				}
				minutes.add(new WorkflowSummary.Minute(minute, completedIn, failedIn));
			}
			WorkflowDefinition workflow = registered.get(name);
			String kind = (workflow == null) ? null : workflow.orchestrated() ? "orchestration" : "pipeline";
			List<String> steps = (workflow == null) ? List.of()
					: workflow.steps().stream().map(StepDefinition::name).toList();
			summaries.add(new WorkflowSummary(name, kind, steps, byStatus, JobStatistics.COUNT_LIMIT, completed, failed,
					minutes, paused.get(name)));
		}
		return summaries;
	}

	private static @Nullable JobError error(@Nullable String type, @Nullable String message, @Nullable String stack) {
		return (type != null) ? new JobError(type, message, stack) : null;
	}

	private Job toJob(JobEntity entity) {
		WorkflowJson json = this.engine.json();
		JobError error = error(entity.getErrorType(), entity.getErrorMessage(), entity.getErrorStack());
		Map<String, Object> userContext = json.readObject(entity.getUserContext());
		return new Job(entity.getId(), entity.getWorkflowName(), entity.getStatus(), entity.getCurrentStep(),
				entity.getStepsCompleted(), entity.getPercentComplete(), json.read(entity.getInput(), Object.class),
				userContext, json.read(entity.getOutput(), Object.class), error, entity.getIdempotencyKey(),
				entity.getConcurrencyKey(), entity.getPriority(), entity.getCreatedAt(), entity.getStartedAt(), entity.getFinishedAt(), entity.getDeadlineAt(),
				entity.getDefinitionVersion());
	}

	private final class Handle<R> implements JobHandle<R> {

		private final UUID id;

		private final Class<R> resultType;

		private final boolean created;

		Handle(UUID id, Class<R> resultType, boolean created) {
			this.id = id;
			this.resultType = resultType;
			this.created = created;
		}

		@Override
		public UUID id() {
			return this.id;
		}

		@Override
		public boolean created() {
			return this.created;
		}

		@Override
		public JobStatus status() {
			return job().status();
		}

		@Override
		public Job job() {
			return get(this.id).orElseThrow(() -> new JobNotFoundException("No job with id " + this.id));
		}

		@Override
		public List<StepExecution> history() {
			return DefaultWorkflowClient.this.history(this.id);
		}

		@Override
		public @Nullable R await(Duration timeout) {
			long deadline = System.nanoTime() + timeout.toNanos();
			long pause = TimeUnit.MILLISECONDS.toNanos(2);
			while (true) {
				JobEntity entity = DefaultWorkflowClient.this.engine.transactions()
					.execute((status) -> DefaultWorkflowClient.this.jobs.find(this.id));
				if (entity == null) {
					throw new JobNotFoundException("No job with id " + this.id);
				}
				if (entity.getStatus() == JobStatus.COMPLETED) {
					return DefaultWorkflowClient.this.engine.json().read(entity.getOutput(), this.resultType);
				}
				if (entity.getStatus().isFinal()) {
					throw new JobFailedException(toJob(entity));
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new JobTimeoutException("Job " + this.id + " of workflow '" + entity.getWorkflowName()
							+ "' did not end within " + timeout + "; it is " + entity.getStatus()
							+ ((entity.getCurrentStep() != null) ? " at step '" + entity.getCurrentStep() + "'" : ""));
				}
				LockSupport.parkNanos(Math.min(pause, left));
				pause = Math.min(pause * 2, MAX_POLL_NANOS);
				if (Thread.interrupted()) {
					Thread.currentThread().interrupt();
					throw new JobTimeoutException("Interrupted while waiting for job " + this.id);
				}
			}
		}

		@Override
		public <T> JobHandle<T> as(Class<T> type) {
			return new Handle<>(this.id, type, this.created);
		}

		@Override
		public String toString() {
			return "JobHandle[" + this.id + "]";
		}

	}

}

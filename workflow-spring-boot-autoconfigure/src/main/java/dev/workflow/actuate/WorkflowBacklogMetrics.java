package dev.workflow.actuate;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import dev.workflow.registry.WorkerPools;
import dev.workflow.store.JobStatistics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Gauges of the engine's backlog, shared by all instances (each instance reports the same values, read from the
 * database at most once per refresh interval):
 * <ul>
 * <li>{@code workflow.outbox.backlog}: outbox rows waiting to be published;</li>
 * <li>{@code workflow.due.backlog}: due work waiting to be dispatched (retries, timers and timeouts whose time has
 * come, running steps whose lease has lapsed);</li>
 * <li>{@code workflow.due.oldest.age}: how long the due work that waits longest has waited, in seconds;</li>
 * <li>{@code workflow.steps.queued}, tagged {@code pool} ({@code default} for the default pool): step executions
 * queued for a worker of each pool whose queue this instance declares.</li>
 * <li>{@code workflow.steps.unrunnable}: queued steps that wait for an instance able to run them (instances without
 * their code, of another release, handed them back).</li>
 * </ul>
 * A gauge has no value (NaN) while the database cannot be read.
 */
public class WorkflowBacklogMetrics implements MeterBinder {

	/** The gauge of outbox rows waiting. */
	public static final String OUTBOX_BACKLOG = "workflow.outbox.backlog";

	/** The gauge of due work waiting. */
	public static final String DUE_BACKLOG = "workflow.due.backlog";

	/** The gauge of the age of the oldest due work. */
	public static final String DUE_OLDEST_AGE = "workflow.due.oldest.age";

	/** The gauge of queued step executions, tagged with their pool. */
	public static final String STEPS_QUEUED = "workflow.steps.queued";
	/** The gauge of steps waiting for an instance able to run them. */
	public static final String UNRUNNABLE_STEPS = "workflow.steps.unrunnable";

	private final WorkflowBacklog backlog;

	private final Set<String> pools;

	/**
	 * Creates the gauges.
	 * @param backlog the backlog they read
	 */
	public WorkflowBacklogMetrics(WorkflowBacklog backlog) {
		this(backlog, Set.of());
	}

	/**
	 * Creates the gauges, with one of queued steps for each pool.
	 * @param backlog the backlog they read
	 * @param pools the pools, {@code ""} for the default pool
	 */
	public WorkflowBacklogMetrics(WorkflowBacklog backlog, Set<String> pools) {
		this.backlog = backlog;
		this.pools = Set.copyOf(pools);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(OUTBOX_BACKLOG, this.backlog, (backlog) -> count(backlog, JobStatistics.Backlog::outboxRows))
			.description("Outbox rows waiting to be published to the broker")
			.baseUnit("messages")
			.register(registry);
		Gauge.builder(DUE_BACKLOG, this.backlog, (backlog) -> count(backlog, JobStatistics.Backlog::dueSteps))
			.description("Due work waiting to be dispatched: retries, timers and timeouts whose time has come, and "
					+ "running steps whose lease has lapsed")
			.baseUnit("steps")
			.register(registry);
		TimeGauge
			.builder(DUE_OLDEST_AGE, this.backlog, TimeUnit.SECONDS, (backlog) -> {
				WorkflowBacklog.Reading reading = backlog.read();
				return (reading.backlog() != null) ? reading.oldestDueAge().toMillis() / 1000.0 : Double.NaN;
			})
			.description("How long the due work that waits longest has waited")
			.register(registry);
		for (String pool : this.pools) {
			Gauge.builder(STEPS_QUEUED, this.backlog, (backlog) -> count(backlog, (read) -> read.queued(pool)))
				.description("Step executions queued for a worker of the pool")
				.tag("pool", pool.isEmpty() ? WorkerPools.DEFAULT_NAME : pool)
				.baseUnit("steps")
				.register(registry);
		}
		Gauge.builder(UNRUNNABLE_STEPS, this.backlog, (backlog) -> {
			WorkflowBacklog.Reading reading = backlog.read();
			return (reading.backlog() != null) ? reading.unrunnableSteps() : Double.NaN;
		})
			.description("Queued steps that wait for an instance able to run them: instances without their code "
					+ "handed them back")
			.baseUnit("steps")
			.register(registry);
	}

	private static double count(WorkflowBacklog backlog, ToLongFunction<JobStatistics.Backlog> value) {
		JobStatistics.Backlog current = backlog.read().backlog();
		return (current != null) ? value.applyAsLong(current) : Double.NaN;
	}

}

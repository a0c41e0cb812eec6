package dev.workflow.actuate;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import com.rabbitmq.client.Channel;
import dev.workflow.registry.WorkerPools;
import dev.workflow.store.JobStatistics;
import dev.workflow.transport.WorkflowTopology;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of the engine on this instance, named {@code workflow}: whether its database and its broker can be
 * reached, and whether its background work keeps up. It is DOWN when the database cannot be read, when no channel can
 * be opened on the broker, or when due work has waited longer than {@code workflow.health.max-due-age} (no instance
 * runs the background work, say). Details: {@code database}, {@code broker}, {@code outboxBacklog},
 * {@code dueBacklog}, {@code oldestDueAge} and {@code maxDueAge}; {@code reason} says why it is DOWN.
 * <p>
 * {@code pools} has an entry for each worker pool whose queue this instance declares ({@code default} for the default
 * pool): its {@code queue}, the messages {@code ready} in it and its {@code consumers} (on all instances, as the broker
 * counts them), the step executions {@code queued} for it in the database, and whether this instance
 * {@code serves} it. A pool with queued steps and no consumer has {@code waiting}, and {@code waitingPools} lists
 * them: their work waits for an instance that serves them. That leaves the status UP, since it is no fault of this
 * instance: start an instance whose {@code workflow.worker.pools} includes the pool.
 * Work no instance could run so far (its workflow or step is of another release, or was removed) shows under
 * {@code unrunnableWork}, by workflow and step, with how many steps wait and how long the oldest has waited; steps
 * that jobs waited at when this instance started and that its release lacks show under {@code removedSteps}. Neither
 * makes the engine DOWN: this instance can do nothing about them, and restarting it would not help (a rolling deploy
 * ends them, or the jobs fail after {@code workflow.worker.unknown-work-timeout}).
 * <p>
 * The database part comes from the {@link WorkflowBacklog}, read at most once per refresh interval; the broker is asked
 * on every check.
 */
public class WorkflowHealthIndicator implements HealthIndicator {

	private final WorkflowBacklog backlog;

	private final ConnectionFactory connectionFactory;

	private final Duration maxDueAge;

	private final @Nullable WorkflowTopology topology;

	private final @Nullable AmqpAdmin amqpAdmin;

	private final Set<String> served;

	private final Supplier<List<JobStatistics.StepGroup>> removedSteps;

	/**
	 * Creates the health indicator.
	 * @param backlog the backlog
	 * @param connectionFactory the connection factory the engine's workers use
	 * @param maxDueAge how long due work may wait before the engine counts as DOWN
	 */
	public WorkflowHealthIndicator(WorkflowBacklog backlog, ConnectionFactory connectionFactory, Duration maxDueAge) {
		this(backlog, connectionFactory, maxDueAge, null, null, Set.of(), List::of);
	}

	/**
	 * Creates the health indicator, with the details of the worker pools and of the steps this release lacks.
	 * @param backlog the backlog
	 * @param connectionFactory the connection factory the engine's workers use
	 * @param maxDueAge how long due work may wait before the engine counts as DOWN
	 * @param topology the topology whose pools to report, or {@code null} for none
	 * @param amqpAdmin asks the broker about the pools' queues, or {@code null} to leave the broker's figures out
	 * @param served the pools this instance consumes, {@code ""} for the default pool
	 * @param removedSteps the steps jobs waited at when the engine started that its release lacks
	 */
	public WorkflowHealthIndicator(WorkflowBacklog backlog, ConnectionFactory connectionFactory, Duration maxDueAge,
			@Nullable WorkflowTopology topology, @Nullable AmqpAdmin amqpAdmin, Set<String> served,
			Supplier<List<JobStatistics.StepGroup>> removedSteps) {
		this.topology = topology;
		this.amqpAdmin = amqpAdmin;
		this.served = Set.copyOf(served);
		if (maxDueAge.isNegative() || maxDueAge.isZero()) {
			throw new IllegalArgumentException("workflow.health.max-due-age must be positive, not " + maxDueAge);
		}
		this.backlog = backlog;
		this.connectionFactory = connectionFactory;
		this.maxDueAge = maxDueAge;
		this.removedSteps = removedSteps;
	}

	@Override
	public Health health() {
		Health.Builder health = Health.up();
		List<String> problems = new ArrayList<>();
		WorkflowBacklog.Reading reading = this.backlog.read();
		JobStatistics.Backlog backlog = reading.backlog();
		if (backlog != null) {
			health.withDetail("database", "reachable")
				.withDetail("outboxBacklog", backlog.outboxRows())
				.withDetail("dueBacklog", backlog.dueSteps())
				.withDetail("oldestDueAge", reading.oldestDueAge().toString());
			if (!reading.unrunnable().isEmpty()) {
				health.withDetail("unrunnableWork", reading.unrunnable()
					.stream()
					.map((group) -> group(group, "oldestWait", (group.oldest() != null)
							? Duration.between(group.oldest(), reading.readAt()).toString() : "PT0S"))
					.toList());
			}
			if (reading.oldestDueAge().compareTo(this.maxDueAge) > 0) {
				problems.add("due work has waited for " + reading.oldestDueAge()
						+ ", longer than workflow.health.max-due-age (" + this.maxDueAge
						+ "): is the background work (workflow.scheduler.enabled) running on some instance, "
						+ "and can it keep up?");
			}
		}
		else {
			health.withDetail("database", "unreachable: " + reading.failure());
			problems.add("the database cannot be read: " + reading.failure());
		}
		try {
			health.withDetail("broker", "reachable" + brokerVersion());
		}
		catch (RuntimeException ex) {
			health.withDetail("broker", "unreachable: " + rootCause(ex));
			problems.add("the broker at " + this.connectionFactory.getHost() + ":" + this.connectionFactory.getPort()
					+ " cannot be reached: " + rootCause(ex));
		}
		if (this.topology != null) {
			pools(health, this.topology, backlog);
		}
		List<JobStatistics.StepGroup> removed = this.removedSteps.get();
		if (!removed.isEmpty()) {
			health.withDetail("removedSteps", removed.stream()
				.map((group) -> group(group, "what", "this release lacks the step: it is handed back for an instance "
						+ "that has it, and its jobs fail after workflow.worker.unknown-work-timeout"))
				.toList());
		}
		health.withDetail("maxDueAge", this.maxDueAge.toString());
		if (!problems.isEmpty()) {
			health.down().withDetail("reason", String.join("; ", problems));
		}
		return health.build();
	}

	private void pools(Health.Builder health, WorkflowTopology topology, JobStatistics.@Nullable Backlog backlog) {
		Map<String, Map<String, Object>> pools = new LinkedHashMap<>();
		List<String> waiting = new ArrayList<>();
		for (String pool : topology.allPools()) {
			String queue = topology.stepQueue(pool);
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("queue", queue);
			details.put("serves", this.served.contains(pool));
			Long queued = (backlog != null) ? backlog.queued(pool) : null;
			if (queued != null) {
				details.put("queued", queued);
			}
			Integer consumers = null;
			if (this.amqpAdmin != null) {
				try {
					QueueInformation info = this.amqpAdmin.getQueueInfo(queue);
					if (info != null) {
						details.put("ready", info.getMessageCount());
						consumers = info.getConsumerCount();
						details.put("consumers", consumers);
					}
					else {
						details.put("broker", "queue not found");
					}
				}
				catch (RuntimeException ex) {
					details.put("broker", "unreachable: " + rootCause(ex));
				}
			}
			String name = pool.isEmpty() ? WorkerPools.DEFAULT_NAME : pool;
			if (queued != null && queued > 0 && consumers != null && consumers == 0) {
				details.put("waiting", queued + " step(s) wait for an instance that serves " + WorkerPools.describe(pool)
						+ " (workflow.worker.pools)");
				waiting.add(name);
			}
			pools.put(name, details);
		}
		health.withDetail("pools", pools);
		if (!waiting.isEmpty()) {
			health.withDetail("waitingPools", waiting);
		}
	}

	/**
	 * Opens a channel on the broker and returns its version, for the details.
	 */
	private String brokerVersion() {
		try (Connection connection = this.connectionFactory.createConnection();
				Channel channel = connection.createChannel(false)) {
			Map<String, Object> server = channel.getConnection().getServerProperties();
			return (server.get("version") != null)
					? " (" + server.getOrDefault("product", "broker") + " " + server.get("version") + ")" : "";
		}
		catch (IOException | TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Map<String, Object> group(JobStatistics.StepGroup group, String key, Object value) {
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("workflow", group.workflow());
		detail.put("step", group.step());
		detail.put("steps", group.steps());
		detail.put("jobs", group.jobs());
		detail.put(key, value);
		return detail;
	}

	private static String rootCause(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause.toString();
	}

	/**
	 * Returns how long due work may wait.
	 * @return the age
	 */
	public Duration maxDueAge() {
		return this.maxDueAge;
	}

}

package dev.workflow.transport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;

/**
 * The exchange, queues and bindings the engine declares on the broker.
 * <p>
 * Each worker pool has a queue: the default pool the step queue, bound with the step routing key; a pool {@code P}
 * the queue {@code <stepQueue>.P}, bound with {@code <stepRoutingKey>.P} to the same exchange. Only durable queues
 * and a direct exchange, with no TTL or dead-letter arguments, so that retries and delays never depend on broker
 * features; classic queues carry no queue-type argument either, so that any AMQP 0-9-1 broker works.
 *
 * @param exchange the direct exchange step messages are published to
 * @param stepQueue the queue of the default pool, which workers consume step messages from
 * @param stepRoutingKey the routing key that binds the step queue to the exchange
 * @param parkingQueue the durable queue that messages no worker can ever handle are moved to, for a person to look at
 * @param pools the named worker pools (the default pool, always declared, is not among them), sorted
 * @param queueType the type of every queue declared
 */
public record WorkflowTopology(String exchange, String stepQueue, String stepRoutingKey, String parkingQueue,
		Set<String> pools, QueueType queueType) {

	/**
	 * Creates a topology.
	 */
	public WorkflowTopology {
		TreeSet<String> named = new TreeSet<>(pools);
		named.remove("");
		for (String pool : named) {
			if ((stepQueue + "." + pool).equals(parkingQueue)) {
				throw new IllegalStateException("The queue of worker pool '" + pool + "' would be the parking queue '"
						+ parkingQueue + "': give the pool another name, or set workflow.broker.parking-queue");
			}
		}
		pools = Collections.unmodifiableSet(named);
	}

	/**
	 * Creates a topology of classic queues with the default pool only.
	 * @param exchange the direct exchange
	 * @param stepQueue the queue of the default pool
	 * @param stepRoutingKey the routing key of the default pool
	 * @param parkingQueue the parking queue
	 */
	public WorkflowTopology(String exchange, String stepQueue, String stepRoutingKey, String parkingQueue) {
		this(exchange, stepQueue, stepRoutingKey, parkingQueue, Set.of(), QueueType.CLASSIC);
	}

	/**
	 * Returns the queue of a worker pool.
	 * @param pool the pool's name, {@code null} or {@code ""} for the default pool
	 * @return the queue's name
	 */
	public String stepQueue(@Nullable String pool) {
		return (pool == null || pool.isEmpty()) ? this.stepQueue : this.stepQueue + "." + pool;
	}

	/**
	 * Returns the routing key of a worker pool.
	 * @param pool the pool's name, {@code null} or {@code ""} for the default pool
	 * @return the routing key
	 */
	public String stepRoutingKey(@Nullable String pool) {
		return (pool == null || pool.isEmpty()) ? this.stepRoutingKey : this.stepRoutingKey + "." + pool;
	}

	/**
	 * Returns every pool whose queue is declared: the default pool ({@code ""}) first, then the named ones.
	 * @return the pools
	 */
	public Set<String> allPools() {
		Set<String> all = new LinkedHashSet<>();
		all.add("");
		all.addAll(this.pools);
		return all;
	}

	/**
	 * Returns a topology that declares some more pools.
	 * @param more the pools to add
	 * @return the topology
	 */
	public WorkflowTopology withPools(Collection<String> more) {
		Set<String> all = new TreeSet<>(this.pools);
		all.addAll(more);
		return new WorkflowTopology(this.exchange, this.stepQueue, this.stepRoutingKey, this.parkingQueue, all,
				this.queueType);
	}

	/**
	 * Returns what to declare on the broker.
	 * @return the declarables
	 */
	public Declarables declarables() {
		DirectExchange directExchange = new DirectExchange(this.exchange, true, false);
		List<Declarable> declarables = new ArrayList<>();
		declarables.add(directExchange);
		for (String pool : allPools()) {
			Queue queue = queue(stepQueue(pool));
			declarables.add(queue);
			declarables.add(BindingBuilder.bind(queue).to(directExchange).with(stepRoutingKey(pool)));
		}
		declarables.add(queue(this.parkingQueue));
		return new Declarables(declarables);
	}

	private Queue queue(String name) {
		QueueBuilder queue = QueueBuilder.durable(name);
		return ((this.queueType == QueueType.QUORUM) ? queue.quorum() : queue).build();
	}

}

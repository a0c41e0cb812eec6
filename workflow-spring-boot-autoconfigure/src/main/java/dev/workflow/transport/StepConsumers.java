package dev.workflow.transport;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The step consumers of this instance: one listener container per worker pool it serves, each on its pool's queue
 * with its own concurrency and prefetch. They start and stop together, in the listener containers' phase: a stop
 * waits for the steps in flight of every pool at once (up to {@code workflow.worker.shutdown-timeout}), and hands
 * back the messages of those that do not finish.
 */
public class StepConsumers implements SmartLifecycle, DisposableBean {

	private final Map<String, SimpleMessageListenerContainer> containers;

	private final Runnable stopping;

	/**
	 * Creates the consumers.
	 * @param containers the containers by pool ({@code ""} for the default pool), initialized and not started
	 * @param stopping told when the consumers begin to stop, before any container does: from then on a step that
	 * is interrupted is interrupted because this instance stops (a container may interrupt the steps it waited for)
	 */
	public StepConsumers(Map<String, SimpleMessageListenerContainer> containers, Runnable stopping) {
		this.containers = Collections.unmodifiableMap(new LinkedHashMap<>(containers));
		this.stopping = stopping;
	}

	/**
	 * Returns the containers.
	 * @return the containers by pool, {@code ""} for the default pool
	 */
	public Map<String, SimpleMessageListenerContainer> containers() {
		return this.containers;
	}

	/**
	 * Returns the container of a pool.
	 * @param pool the pool, {@code ""} for the default pool
	 * @return its container, or {@code null} if this instance does not serve it
	 */
	public @Nullable SimpleMessageListenerContainer container(String pool) {
		return this.containers.get(pool);
	}

	@Override
	public void start() {
		this.containers.values().forEach(SimpleMessageListenerContainer::start);
	}

	@Override
	public void stop() {
		this.stopping.run();
		this.containers.values().forEach(SimpleMessageListenerContainer::stop);
	}

	/**
	 * Stops every container at once, and runs the callback when the last one has stopped.
	 */
	@Override
	public void stop(Runnable callback) {
		this.stopping.run();
		if (this.containers.isEmpty()) {
			callback.run();
			return;
		}
		AtomicInteger running = new AtomicInteger(this.containers.size());
		for (SimpleMessageListenerContainer container : this.containers.values()) {
			container.stop(() -> {
				if (running.decrementAndGet() == 0) {
					callback.run();
				}
			});
		}
	}

	@Override
	public boolean isRunning() {
		return this.containers.values().stream().anyMatch(SimpleMessageListenerContainer::isRunning);
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

	@Override
	public void destroy() {
		this.containers.values().forEach(SimpleMessageListenerContainer::destroy);
	}

}

package dev.workflow.test.workflows;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.workflow.annotation.Step;

import org.springframework.stereotype.Component;

/**
 * Arithmetic steps, and a gate that holds a job until the test opens it.
 */
@Component
public class CounterSteps {

	private static final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

	private static final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();

	/**
	 * Opens the gate of a key.
	 * @param key the key
	 */
	public static void open(String key) {
		gates.computeIfAbsent(key, (k) -> new CountDownLatch(1)).countDown();
	}

	@Step
	public int add(int a, int b) {
		return a + b;
	}

	@Step
	public int halve(int n) {
		return n / 2;
	}

	@Step(timeout = "60s")
	public String gate(String key) throws InterruptedException {
		started.computeIfAbsent(key, (k) -> new CountDownLatch(1)).countDown();
		gates.computeIfAbsent(key, (k) -> new CountDownLatch(1)).await(60, TimeUnit.SECONDS);
		return "passed " + key;
	}

	/**
	 * Waits until the gate step of a key runs.
	 * @param key the key
	 * @throws InterruptedException if interrupted
	 */
	public static void awaitGateRunning(String key) throws InterruptedException {
		started.computeIfAbsent(key, (k) -> new CountDownLatch(1)).await(30, TimeUnit.SECONDS);
	}

	@Step(timeout = "60s")
	public String gateThenFail(String key) throws InterruptedException {
		gates.computeIfAbsent(key, (k) -> new CountDownLatch(1)).await(60, TimeUnit.SECONDS);
		throw new IllegalStateException("The gate of " + key + " opened, and this step fails");
	}

}

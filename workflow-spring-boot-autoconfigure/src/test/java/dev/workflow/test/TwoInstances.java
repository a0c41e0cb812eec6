package dev.workflow.test;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances of the {@link TestApplication} that share the database and a queue of their own, as two machines of
 * one application: worker ids {@code <name>-a} and {@code <name>-b}, exchange {@code wf-test-<name>}.
 */
public final class TwoInstances implements AutoCloseable {

	private final ConfigurableApplicationContext first;

	private final ConfigurableApplicationContext second;

	private TwoInstances(ConfigurableApplicationContext first, ConfigurableApplicationContext second) {
		this.first = first;
		this.second = second;
	}

	/**
	 * Starts both instances.
	 * @param name the name of the test's instances and broker objects
	 * @param arguments more arguments of both
	 * @return the instances
	 */
	public static TwoInstances start(String name, String... arguments) {
		ConfigurableApplicationContext first = instance(name, "a", arguments);
		try {
			return new TwoInstances(first, instance(name, "b", arguments));
		}
		catch (RuntimeException ex) {
			first.close();
			throw ex;
		}
	}

	private static ConfigurableApplicationContext instance(String name, String suffix, String... arguments) {
		List<String> all = new ArrayList<>(List.of("--workflow.worker.id=" + name + "-" + suffix,
				"--workflow.broker.exchange=wf-test-" + name, "--workflow.broker.step-queue=wf-test-" + name + ".steps",
				"--workflow.broker.parking-queue=wf-test-" + name + ".parked"));
		all.addAll(List.of(arguments));
		return new SpringApplicationBuilder(TestApplication.class).run(all.toArray(String[]::new));
	}

	/**
	 * Returns the first instance.
	 * @return its context
	 */
	public ConfigurableApplicationContext first() {
		return this.first;
	}

	/**
	 * Returns the second instance.
	 * @return its context
	 */
	public ConfigurableApplicationContext second() {
		return this.second;
	}

	@Override
	public void close() {
		try {
			this.second.close();
		}
		finally {
			this.first.close();
		}
	}

}

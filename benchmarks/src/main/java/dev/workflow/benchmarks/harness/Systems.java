package dev.workflow.benchmarks.harness;

import java.util.Map;

/**
 * The systems the benchmark knows, by the name used on the command line.
 */
final class Systems {

	private static final Map<String, String> CLASSES = Map.of("ours", "dev.workflow.benchmarks.ours.OursSystem",
			"floor", "dev.workflow.benchmarks.floor.FloorSystem", "jobrunr",
			"dev.workflow.benchmarks.jobrunr.JobRunrSystem", "dbos", "dev.workflow.benchmarks.dbos.DbosSystem");

	private Systems() {
	}

	static BenchSystem create(String name) {
		String className = CLASSES.get(name);
		if (className == null) {
			throw new IllegalArgumentException("Unknown system '" + name + "': use one of " + CLASSES.keySet());
		}
		try {
			return (BenchSystem) Class.forName(className).getDeclaredConstructor().newInstance();
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot create " + className, ex);
		}
	}

}

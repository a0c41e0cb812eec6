package dev.workflow.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The systems the benchmark knows, by the name used on the command line, in the order of the runs of a round: ours,
 * then the floors, then the peers.
 */
final class Systems {

	private static final Map<String, String> CLASSES = new LinkedHashMap<>();

	static {
		CLASSES.put("ours", "dev.workflow.benchmarks.ours.OursSystem");
		CLASSES.put("floor", "dev.workflow.benchmarks.floor.FloorSystem");
		CLASSES.put("floor-db", "dev.workflow.benchmarks.floor.DatabaseFloorSystem");
		CLASSES.put("jobrunr", "dev.workflow.benchmarks.jobrunr.JobRunrSystem");
		CLASSES.put("dbos", "dev.workflow.benchmarks.dbos.DbosSystem");
		CLASSES.put("db-scheduler", "dev.workflow.benchmarks.dbscheduler.DbSchedulerSystem");
	}

	private Systems() {
	}

	/**
	 * The names of every system, ours first.
	 * @return the names
	 */
	static List<String> names() {
		return List.copyOf(CLASSES.keySet());
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

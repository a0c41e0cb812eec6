package dev.workflow.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

/**
 * The results as a markdown table, with the ratios against the floor and the peers and the targets of issue 6.
 */
final class Report {

	record Document(String machine, List<String> jvmOptions, List<Result> results) {
	}

	private Report() {
	}

	static String machine(Settings settings) {
		String cpu = "unknown CPU";
		long memoryGb = 0;
		try {
			cpu = Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.findFirst()
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.orElse(cpu);
			memoryGb = Files.readAllLines(Path.of("/proc/meminfo"))
				.stream()
				.filter((line) -> line.startsWith("MemTotal:"))
				.findFirst()
				.map((line) -> Long.parseLong(line.replaceAll("\\D", "")) / (1024 * 1024))
				.orElse(0L);
		}
		catch (IOException | RuntimeException ex) {
			// not Linux: fewer details
		}
		return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memoryGb + " GiB, "
				+ System.getProperty("os.name") + ", Java " + System.getProperty("java.version") + ", JVM options "
				+ String.join(" ", settings.jvmOptions()) + ", PostgreSQL and RabbitMQ on the same machine";
	}

	static String markdown(String machine, Settings settings, List<Result> results) {
		StringBuilder out = new StringBuilder();
		out.append("Machine: ").append(machine).append(".\n\n");
		out.append("| scenario | load | system | jobs/s | steps/s | step→step p50 / p99 ms | start→end p50 / p99 ms "
				+ "| peak RSS / heap MB | SQL / commits per step | messages per step |\n");
		out.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
		for (Result r : results) {
			out.append(String.format("| %s | %s | %s | %,.0f | %,.0f | %s / %s | %s / %s | %d / %d | %.1f / %.1f | %.1f |%s%n",
					r.scenario(), r.load().title(), r.system(), r.jobsPerSecond(), r.stepsPerSecond(),
					ms(r.stepGapP50Ms()), ms(r.stepGapP99Ms()), ms(r.endToEndP50Ms()), ms(r.endToEndP99Ms()),
					r.peakRssMb(), r.peakHeapMb(), r.statementsPerStep(), r.commitsPerStep(), r.messagesPerStep(),
					(r.error() != null) ? " incomplete: " + r.error() : ""));
		}
		out.append("\nRatios at full load (ours divided by the other; steps/s, jobs/s for JobRunr as the issue asks):\n\n");
		out.append("| scenario | ours/floor (steps/s) | ours/JobRunr (jobs/s) | ours/DBOS (steps/s) |\n");
		out.append("|---|--:|--:|--:|\n");
		for (Scenario scenario : Scenario.values()) {
			Optional<Result> ours = find(results, "ours", scenario, Load.FULL);
			if (ours.isEmpty()) {
				continue;
			}
			out.append("| ").append(scenario.letter()).append(" ").append(scenario.title()).append(" | ")
				.append(ratio(ours, find(results, "floor", scenario, Load.FULL), Result::stepsPerSecond)).append(" | ")
				.append(ratio(ours, find(results, "jobrunr", scenario, Load.FULL), Result::jobsPerSecond)).append(" | ")
				.append(ratio(ours, find(results, "dbos", scenario, Load.FULL), Result::stepsPerSecond)).append(" |\n");
		}
		out.append("\nTargets (issue 6):\n\n");
		Optional<Result> sustained = find(results, "ours", Scenario.PIPELINE, Load.SUSTAINED);
		Optional<Result> pipeline = find(results, "ours", Scenario.PIPELINE, Load.FULL);
		Optional<Result> rate = find(results, "ours", Scenario.PIPELINE, Load.RATE);
		target(out, "(b) sustained " + settings.sustainSeconds() + " s: steps/s ≥ 1,000", sustained,
				Result::stepsPerSecond, 1000, true);
		target(out, "(b) ours/floor ≥ 0.5", ratioValue(pipeline, find(results, "floor", Scenario.PIPELINE, Load.FULL),
				Result::stepsPerSecond), 0.5);
		target(out, "(a) ours/JobRunr jobs/s ≥ 2", ratioValue(find(results, "ours", Scenario.ONE_STEP, Load.FULL),
				find(results, "jobrunr", Scenario.ONE_STEP, Load.FULL), Result::jobsPerSecond), 2);
		target(out, "(b) ours/DBOS steps/s ≥ 2",
				ratioValue(pipeline, find(results, "dbos", Scenario.PIPELINE, Load.FULL), Result::stepsPerSecond), 2);
		target(out, "(b) at " + settings.rate() + " jobs/s, step→step p50 ≤ 3 ms", rate,
				(r) -> nullable(r.stepGapP50Ms()), 3, false);
		target(out, "(b) at " + settings.rate() + " jobs/s, step→step p99 ≤ 20 ms", rate,
				(r) -> nullable(r.stepGapP99Ms()), 20, false);
		target(out, "(b) sustained: peak RSS ≤ 512 MB", sustained, Result::peakRssMb, 512, false);
		return out.toString();
	}

	private static double nullable(@Nullable Double value) {
		return (value != null) ? value : Double.NaN;
	}

	private static void target(StringBuilder out, String name, Optional<Result> result,
			ToDoubleFunction<Result> value, double limit, boolean atLeast) {
		if (result.isEmpty() || result.get().error() != null) {
			out.append("- ").append(name).append(": not measured\n");
			return;
		}
		double measured = value.applyAsDouble(result.get());
		boolean met = atLeast ? measured >= limit : measured <= limit;
		out.append(String.format("- %s: %,.2f, %s%n", name, measured, met ? "met" : "NOT met"));
	}

	private static void target(StringBuilder out, String name, @Nullable Double ratio, double limit) {
		if (ratio == null) {
			out.append("- ").append(name).append(": not measured\n");
			return;
		}
		out.append(String.format("- %s: %.2f, %s%n", name, ratio, (ratio >= limit) ? "met" : "NOT met"));
	}

	private static String ratio(Optional<Result> ours, Optional<Result> other, ToDoubleFunction<Result> value) {
		Double ratio = ratioValue(ours, other, value);
		return (ratio != null) ? String.format("%.2f", ratio) : "–";
	}

	private static @Nullable Double ratioValue(Optional<Result> ours, Optional<Result> other,
			ToDoubleFunction<Result> value) {
		if (ours.isEmpty() || other.isEmpty() || ours.get().error() != null || other.get().error() != null
				|| value.applyAsDouble(other.get()) == 0) {
			return null;
		}
		return value.applyAsDouble(ours.get()) / value.applyAsDouble(other.get());
	}

	private static Optional<Result> find(List<Result> results, String system, Scenario scenario, Load load) {
		return results.stream()
			.filter((r) -> r.system().equals(system) && r.scenario().equals(scenario.letter()) && r.load() == load)
			.findFirst();
	}

	private static String ms(@Nullable Double value) {
		return (value != null) ? String.format("%.2f", value) : "–";
	}

}

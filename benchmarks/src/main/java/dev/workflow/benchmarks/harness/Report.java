package dev.workflow.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

/**
 * The results as markdown: a table with, per scenario, load and system, the median of each figure over the rounds and
 * its lowest and highest value; the ratios of ours to each floor and peer, paired round by round; and the targets of
 * issue 15, each met or not by the median. The layout is that of the README's "Performance" section, which it can be
 * pasted into.
 */
final class Report {

	/**
	 * What {@code results.json} holds.
	 * @param machine the machine, as {@link #machine} describes it
	 * @param jvmOptions the options of every measuring JVM
	 * @param rounds the number of rounds
	 * @param results every run of every round
	 */
	record Document(String machine, List<String> jvmOptions, int rounds, List<Result> results) {
	}

	/**
	 * A system ours is compared with, and the figure compared.
	 * @param system the system's name
	 * @param title the system's name in the tables
	 * @param figure the name of the figure compared
	 * @param value the figure compared
	 */
	private record Other(String system, String title, String figure, ToDoubleFunction<Result> value) {
	}

	/** The floors and peers, in the order of the ratio table's columns: jobs/s for the job schedulers. */
	private static final List<Other> OTHERS = List.of(
			new Other("floor", "broker floor", "steps/s", Result::stepsPerSecond),
			new Other("floor-db", "database floor", "steps/s", Result::stepsPerSecond),
			new Other("jobrunr", "JobRunr", "jobs/s", Result::jobsPerSecond),
			new Other("dbos", "DBOS", "steps/s", Result::stepsPerSecond),
			new Other("db-scheduler", "db-scheduler", "jobs/s", Result::jobsPerSecond));

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

	/**
	 * The results as markdown.
	 * @param machine the machine, as {@link #machine} describes it
	 * @param settings the settings of the run
	 * @param results every run of every round
	 * @return the tables and the targets
	 */
	static String markdown(String machine, Settings settings, List<Result> results) {
		StringBuilder out = new StringBuilder();
		out.append("Machine: ").append(machine).append(".\n\n");
		if (settings.rounds() > 1) {
			out.append("Each figure is the median of ").append(settings.rounds())
				.append(" rounds, the lowest and highest in brackets where they differ.\n\n");
		}
		out.append("| scenario | load | system | jobs/s | steps/s | step→step p50 / p99 ms | start→end p50 / p99 ms "
				+ "| peak RSS / heap MB | SQL / commits per step | messages per step |\n");
		out.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
		Map<String, List<Result>> runs = new LinkedHashMap<>();
		for (Result result : results) {
			String run = result.scenario() + " " + result.load() + " " + result.system();
			runs.computeIfAbsent(run, (key) -> new ArrayList<>()).add(result);
		}
		for (List<Result> group : runs.values()) {
			row(out, group);
		}
		out.append("\nRatios at full load: ours divided by the other, paired round by round")
			.append((settings.rounds() > 1) ? ", median and lowest–highest" : "")
			.append(" (steps/s; jobs/s for the job schedulers):\n\n");
		out.append("| scenario |");
		OTHERS.forEach((other) -> out.append(" ours/").append(other.title()).append(" |"));
		out.append("\n|---|");
		OTHERS.forEach((other) -> out.append("--:|"));
		out.append("\n");
		for (Scenario scenario : Scenario.values()) {
			if (complete(results, "ours", scenario, Load.FULL).isEmpty()) {
				continue;
			}
			out.append("| ").append(scenario.letter()).append(" ").append(scenario.title()).append(" |");
			for (Other other : OTHERS) {
				out.append(" ").append(cell(ratios(results, scenario, other), Report::ratio)).append(" |");
			}
			out.append("\n");
		}
		out.append("\nTargets (issue 15; a ratio target holds when its median does):\n\n");
		ratioTarget(out, results, Scenario.PIPELINE, other("dbos"), 1.5, 2);
		ratioTarget(out, results, Scenario.ORCHESTRATED, other("dbos"), 1.5, 2);
		ratioTarget(out, results, Scenario.ONE_STEP, other("jobrunr"), 2, 2);
		ratioTarget(out, results, Scenario.ONE_STEP, other("db-scheduler"), 2, 2);
		ratioTarget(out, results, Scenario.ONE_STEP,
				new Other("dbos", "DBOS", "jobs/s", Result::jobsPerSecond), 1, 1);
		ratioTarget(out, results, Scenario.FAN_OUT, other("floor"), 0.7, 0.7);
		selfRatio(out, results, Scenario.LIMITED);
		selfRatio(out, results, Scenario.PER_KEY);
		List<Result> rate = complete(results, "ours", Scenario.PIPELINE, Load.RATE);
		limitTarget(out, "(b) at " + settings.rate() + " jobs/s, step→step p50 ≤ 1 ms",
				values(rate, Result::stepGapP50Ms), 1, Report::ms);
		limitTarget(out, "(b) at " + settings.rate() + " jobs/s, step→step p99 ≤ 10 ms",
				values(rate, Result::stepGapP99Ms), 10, Report::ms);
		limitTarget(out, "(b) peak RSS of ours, largest of its loads, ≤ 512 MB", peakRssPerRound(results), 512,
				Report::mb);
		return out.toString();
	}

	private static void row(StringBuilder out, List<Result> runs) {
		Result first = runs.get(0);
		List<Result> complete = runs.stream().filter((r) -> r.error() == null).toList();
		out.append(String.format("| %s | %s | %s | %s | %s | %s / %s | %s / %s | %s / %s | %s / %s | %s |",
				first.scenario(), first.load().title(), first.system(),
				cell(values(complete, Result::jobsPerSecond), Report::rate),
				cell(values(complete, Result::stepsPerSecond), Report::rate),
				cell(values(complete, Result::stepGapP50Ms), Report::ms),
				cell(values(complete, Result::stepGapP99Ms), Report::ms),
				cell(values(complete, Result::endToEndP50Ms), Report::ms),
				cell(values(complete, Result::endToEndP99Ms), Report::ms),
				cell(values(complete, (r) -> (double) r.peakRssMb()), Report::mb),
				cell(values(complete, (r) -> (double) r.peakHeapMb()), Report::mb),
				cell(values(complete, Result::statementsPerStep), Report::perStep),
				cell(values(complete, Result::commitsPerStep), Report::perStep),
				cell(values(complete, Result::messagesPerStep), Report::perStep)));
		for (Result run : runs) {
			if (run.error() != null) {
				out.append(" incomplete");
				if (runs.size() > 1) {
					out.append(" in round ").append(run.round());
				}
				out.append(": ").append(run.error());
			}
		}
		out.append("\n");
	}

	private static Other other(String system) {
		return OTHERS.stream().filter((other) -> other.system().equals(system)).findFirst().orElseThrow();
	}

	private static void ratioTarget(StringBuilder out, List<Result> results, Scenario scenario, Other other,
			double limit, double aim) {
		String name = String.format("(%s) ours/%s %s ≥ %s%s", scenario.letter(), other.title(), other.figure(),
				number(limit), (aim > limit) ? " (aim " + number(aim) + ")" : "");
		List<Double> ratios = ratios(results, scenario, other);
		if (ratios.isEmpty()) {
			out.append("- ").append(name).append(": not measured\n");
			return;
		}
		double median = median(ratios);
		String verdict = (median >= limit) ? "met" : "NOT met";
		if (aim > limit && median >= limit) {
			verdict += (median >= aim) ? ", aim met" : ", aim not met";
		}
		out.append("- ").append(name).append(": ").append(cell(ratios, Report::ratio)).append(", ").append(verdict)
			.append("\n");
	}

	private static void limitTarget(StringBuilder out, String name, List<Double> values, double limit,
			Function<Double, String> format) {
		if (values.isEmpty()) {
			out.append("- ").append(name).append(": not measured\n");
			return;
		}
		out.append("- ").append(name).append(": ").append(cell(values, format)).append(", ")
			.append((median(values) <= limit) ? "met" : "NOT met").append("\n");
	}

	/** Per round, the largest peak RSS of ours' complete runs of (b). */
	private static List<Double> peakRssPerRound(List<Result> results) {
		Map<Integer, Double> largest = new TreeMap<>();
		for (Result result : results) {
			if (result.system().equals("ours") && result.scenario().equals(Scenario.PIPELINE.letter())
					&& result.error() == null && result.peakRssMb() >= 0) {
				largest.merge(result.round(), (double) result.peakRssMb(), Math::max);
			}
		}
		return new ArrayList<>(largest.values());
	}

	/**
	 * Ours' steps per second on a scenario with concurrency limits divided by ours on (b), the same pipelines without
	 * limits, per round: what the limits cost.
	 */
	private static void selfRatio(StringBuilder out, List<Result> results, Scenario limited) {
		List<Double> ratios = new ArrayList<>();
		for (Result ours : complete(results, "ours", limited, Load.FULL)) {
			for (Result free : complete(results, "ours", Scenario.PIPELINE, Load.FULL)) {
				if (free.round() == ours.round() && free.stepsPerSecond() > 0) {
					ratios.add(ours.stepsPerSecond() / free.stepsPerSecond());
				}
			}
		}
		if (!ratios.isEmpty()) {
			out.append("- (").append(limited.letter()).append(") ").append(limited.title())
				.append(", steps/s against (b) without limits: ").append(cell(ratios, Report::ratio)).append("\n");
		}
	}

	/** Ours' figure divided by the other's, for every round in which both ran to completion at full load. */
	private static List<Double> ratios(List<Result> results, Scenario scenario, Other other) {
		List<Double> ratios = new ArrayList<>();
		for (Result ours : complete(results, "ours", scenario, Load.FULL)) {
			for (Result theirs : complete(results, other.system(), scenario, Load.FULL)) {
				double value = other.value().applyAsDouble(theirs);
				if (theirs.round() == ours.round() && value > 0) {
					ratios.add(other.value().applyAsDouble(ours) / value);
				}
			}
		}
		return ratios;
	}

	private static List<Result> complete(List<Result> results, String system, Scenario scenario, Load load) {
		return results.stream()
			.filter((r) -> r.system().equals(system) && r.scenario().equals(scenario.letter()) && r.load() == load
					&& r.error() == null)
			.toList();
	}

	private static List<Double> values(List<Result> runs, Function<Result, @Nullable Double> value) {
		List<Double> values = new ArrayList<>();
		for (Result run : runs) {
			Double figure = value.apply(run);
			if (figure != null && !figure.isNaN()) {
				values.add(figure);
			}
		}
		return values;
	}

	/** The median of the values, and their lowest and highest in brackets when they differ as shown. */
	private static String cell(List<Double> values, Function<Double, String> format) {
		if (values.isEmpty()) {
			return "–";
		}
		String median = format.apply(median(values));
		String lowest = format.apply(Collections.min(values));
		String highest = format.apply(Collections.max(values));
		return lowest.equals(highest) ? median : median + " (" + lowest + "–" + highest + ")";
	}

	static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	private static String rate(double value) {
		return String.format("%,.0f", value);
	}

	/** Milliseconds to three significant digits at least, as the histograms measure them. */
	static String ms(double value) {
		if (value < 10) {
			return String.format("%.2f", value);
		}
		return (value < 100) ? String.format("%.1f", value) : String.format("%,.0f", value);
	}

	private static String mb(double value) {
		return String.format("%,.0f", value);
	}

	private static String perStep(double value) {
		return String.format("%.1f", value);
	}

	private static String ratio(double value) {
		return String.format("%.2f", value);
	}

	private static String number(double value) {
		return (value == Math.rint(value)) ? String.format("%.0f", value) : String.format("%s", value);
	}

}

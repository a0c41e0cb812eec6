package dev.workflow.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * The knobs of a benchmark run, from command line arguments {@code --name=value}.
 *
 * @param scale factor on every scenario's job count (a smoke run uses a small one)
 * @param warmupSteps steps run before measuring (in whole jobs of the scenario), so that what is measured is the
 *     steady state of a running service rather than its JIT compilation and the filling of its pools
 * @param submitters threads that submit jobs at full load
 * @param rate jobs per second of the fixed-rate load
 * @param rateSeconds how long the fixed-rate load lasts
 * @param sustainSeconds how long the sustained load lasts
 * @param inFlight jobs kept in flight by the sustained load
 * @param timeoutSeconds how long a run may take before it is reported incomplete
 * @param rounds how many times each run is repeated: a round runs every system once on every scenario and load
 *     before the next round starts, so that the runs of two systems that are compared alternate
 * @param systems the systems to run
 * @param scenarios the scenarios to run
 * @param loads the loads to offer
 * @param jvmOptions options of every measuring JVM
 * @param output directory of the results
 */
record Settings(double scale, int warmupSteps, int submitters, int rate, int rateSeconds, int sustainSeconds,
		int inFlight, int timeoutSeconds, int rounds, List<String> systems, List<Scenario> scenarios, List<Load> loads,
		List<String> jvmOptions, String output) {

	static Settings parse(String[] args) {
		boolean quick = List.of(args).contains("--quick");
		double scale = quick ? 0.05 : 1.0;
		int warmupSteps = quick ? 500 : 10_000;
		int submitters = 4;
		int rate = 100;
		int rateSeconds = quick ? 3 : 20;
		int sustainSeconds = quick ? 5 : 60;
		int inFlight = 1000;
		int timeoutSeconds = quick ? 120 : 600;
		int rounds = quick ? 1 : 3;
		List<String> systems = Systems.names();
		List<Scenario> scenarios = List.of(Scenario.values());
		List<Load> loads = List.of(Load.values());
		List<String> jvmOptions = List.of("-Xmx256m", "-XX:+UseG1GC");
		String output = "benchmarks/target/benchmark";
		for (String arg : args) {
			if (arg.equals("--quick")) {
				continue;
			}
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("Unknown argument '" + arg + "': use --name=value or --quick");
			}
			String name = arg.substring(2, equals);
			String value = arg.substring(equals + 1);
			switch (name) {
				case "scale" -> scale = Double.parseDouble(value);
				case "warmup" -> warmupSteps = Integer.parseInt(value);
				case "submitters" -> submitters = Integer.parseInt(value);
				case "rate" -> rate = Integer.parseInt(value);
				case "rate-seconds" -> rateSeconds = Integer.parseInt(value);
				case "sustain-seconds" -> sustainSeconds = Integer.parseInt(value);
				case "in-flight" -> inFlight = Integer.parseInt(value);
				case "timeout" -> timeoutSeconds = Integer.parseInt(value);
				case "rounds" -> rounds = Math.max(1, Integer.parseInt(value));
				case "systems" -> systems = List.of(value.split(","));
				case "scenarios" -> {
					List<Scenario> chosen = new ArrayList<>();
					for (String letter : value.split(",")) {
						chosen.add(Scenario.of(letter));
					}
					scenarios = chosen;
				}
				case "loads" -> {
					List<Load> chosen = new ArrayList<>();
					for (String load : value.split(",")) {
						chosen.add(Load.valueOf(load.trim().toUpperCase()));
					}
					loads = chosen;
				}
				case "jvm" -> jvmOptions = List.of(value.trim().split("\\s+"));
				case "out" -> output = value;
				default -> throw new IllegalArgumentException("Unknown option --" + name);
			}
		}
		return new Settings(scale, warmupSteps, submitters, rate, rateSeconds, sustainSeconds, inFlight, timeoutSeconds,
				rounds, systems, scenarios, loads, jvmOptions, output);
	}

	int warmupJobs(Scenario scenario) {
		return Math.max(1, (this.warmupSteps + scenario.stepsPerJob() - 1) / scenario.stepsPerJob());
	}

	int jobs(Scenario scenario) {
		return Math.max(1, (int) Math.round(scenario.jobs() * this.scale));
	}

	List<String> childArguments() {
		return List.of("--scale=" + this.scale, "--warmup=" + this.warmupSteps, "--submitters=" + this.submitters,
				"--rate=" + this.rate, "--rate-seconds=" + this.rateSeconds,
				"--sustain-seconds=" + this.sustainSeconds, "--in-flight=" + this.inFlight,
				"--timeout=" + this.timeoutSeconds);
	}

}

package dev.workflow.benchmarks.harness;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import dev.workflow.devservers.BrokerServer;
import dev.workflow.devservers.DatabaseServer;
import dev.workflow.devservers.DevServers;

/**
 * Runs every scenario on every system, each run in a fresh JVM with the same options against the same servers, and
 * writes {@code results.json} and {@code results.md} (also printed). Runs are repeated in rounds
 * ({@code --rounds}, three by default): each round runs every system once on each scenario and load before the next
 * round starts, so that the runs compared with each other alternate (ours, peer, ours, peer...) and a slow minute of
 * the machine does not fall on one system only.
 * <p>
 * The servers are those given in the environment ({@code SPRING_DATASOURCE_URL}, {@code SPRING_RABBITMQ_HOST}, as
 * {@code scripts/servers.sh env} prints them); without them the dev servers start embedded ones, which run but do not
 * measure anything a production deployment would see.
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.parse(args);
		DatabaseServer database = DevServers.database();
		BrokerServer broker = DevServers.broker();
		Servers servers = new Servers(database.jdbcUrl(), database.username(), database.password(), broker.host(),
				broker.port(), broker.username(), broker.password());
		System.out.println("Servers: " + database + ", " + broker);
		Path output = Path.of(settings.output());
		Path logs = output.resolve("logs");
		Files.createDirectories(logs);
		List<Result> results = new ArrayList<>();
		for (int round = 1; round <= settings.rounds(); round++) {
			for (Scenario scenario : settings.scenarios()) {
				for (String name : settings.systems()) {
					if (!Systems.create(name).scenarios().contains(scenario)) {
						continue;
					}
					// The scenarios with limits are measured against (b) at full load only.
					List<Load> loads = new ArrayList<>((scenario == Scenario.LIMITED || scenario == Scenario.PER_KEY)
							? List.of(Load.FULL) : List.of(Load.FULL, Load.RATE));
					if (name.equals("ours") && scenario == Scenario.PIPELINE) {
						loads.add(Load.SUSTAINED);
					}
					loads.retainAll(settings.loads());
					for (Load load : loads) {
						results.add(runChild(name, scenario, load, round, settings, servers, output, logs));
					}
				}
			}
		}
		JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
		String machine = Report.machine(settings);
		Files.writeString(output.resolve("results.json"),
				json.writeValueAsString(
						new Report.Document(machine, settings.jvmOptions(), settings.rounds(), results)));
		String markdown = Report.markdown(machine, settings, results);
		Files.writeString(output.resolve("results.md"), markdown);
		System.out.println();
		System.out.println(markdown);
		System.out.println("Written to " + output.toAbsolutePath());
		System.exit(0);
	}

	private static Result runChild(String system, Scenario scenario, Load load, int round, Settings settings,
			Servers servers, Path output, Path logs) throws Exception {
		String run = system + "-" + scenario.letter() + "-" + load.name().toLowerCase() + "-" + round;
		Path resultFile = output.resolve(run + ".json");
		Files.deleteIfExists(resultFile);
		Path log = logs.resolve(run + ".log");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(settings.jvmOptions());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(Child.class.getName());
		command.addAll(List.of(system, scenario.letter(), load.name(), Integer.toString(round), resultFile.toString()));
		command.addAll(settings.childArguments());
		System.out.printf("round %d/%d %-12s (%s) %-32s %-10s ... ", round, settings.rounds(), system,
				scenario.letter(), scenario.title(), load.title());
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().putAll(servers.toEnvironment());
		long started = System.nanoTime();
		Process process = builder.start();
		boolean exited = process.waitFor(settings.timeoutSeconds() * 2L + 120, TimeUnit.SECONDS);
		if (!exited) {
			process.destroyForcibly().waitFor();
		}
		double took = (System.nanoTime() - started) / 1e9;
		if (exited && process.exitValue() == 0 && Files.exists(resultFile)) {
			Result result = JsonMapper.builder().build().readValue(resultFile.toFile(), Result.class);
			System.out.printf("%,.0f steps/s (%.0f s)%s%n", result.stepsPerSecond(), took,
					(result.error() != null) ? " INCOMPLETE: " + result.error() : "");
			return result;
		}
		String reason = exited ? "exited with " + process.exitValue() : "did not end in time";
		System.out.println("FAILED (" + reason + "), see " + log);
		return new Result(system, scenario.letter(), load, round, 0, 0, 0, 0, 0, null, null, null, null, -1, -1, 0,
				0, 0, reason + "; log " + new File(log.toString()).getName());
	}

}

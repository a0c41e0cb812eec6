package dev.workflow.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringApplication;

/**
 * A worker in a JVM of its own, for tests that kill one: the test application with the arguments given.
 */
public final class WorkerProcess {

	private WorkerProcess() {
	}

	public static void main(String[] args) {
		SpringApplication.run(TestApplication.class, args);
	}

	/**
	 * Starts a worker JVM on the tests' class path and servers.
	 * @param log where its output goes
	 * @param arguments further application arguments
	 * @return the process
	 * @throws IOException if it cannot be started
	 */
	public static Process start(Path log, String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), WorkerProcess.class.getName()));
		for (String property : TestServers.properties()) {
			command.add("--" + property);
		}
		command.addAll(List.of(arguments));
		Files.createDirectories(log.getParent());
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

}

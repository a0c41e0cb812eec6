package dev.workflow.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import dev.workflow.test.TestApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

@ExtendWith(OutputCaptureExtension.class)
class ServerConnectionFailureIntegrationTests {

	@Test
	void whenTheDatabaseIsUnreachableThenStartFailsWithAReportNamingItsUrl(CapturedOutput output) throws IOException {
		String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/workflow";
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(TestApplication.class)
			.run("--spring.datasource.url=" + url, "--spring.datasource.username=someone"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Could not connect to the PostgreSQL database at " + url + " as user 'someone'")
			.contains("spring.datasource.url");
	}

	@Test
	void whenNoDatabaseIsConfiguredThenStartFailsWithAReportSayingWhatToSet(CapturedOutput output) {
		// As a packaged application without the development servers and without a URL (also where one is exported),
		// and without an embedded database on its class path (the tests have H2 for another report).
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(TestApplication.class)
			.run("--workflow.dev-servers.enabled=false", "--spring.datasource.url=",
					"--spring.datasource.embedded-database-connection=none"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("No PostgreSQL database is configured: spring.datasource.url is not set")
			.contains("SPRING_DATASOURCE_URL")
			.doesNotContain("If you want an embedded database (H2, HSQL or Derby)");
	}

	@Test
	void whenTheBrokerIsUnreachableThenStartFailsWithAReportNamingItsAddress(CapturedOutput output) throws IOException {
		int port = closedPort();
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(TestApplication.class)
			.run("--spring.rabbitmq.host=127.0.0.1", "--spring.rabbitmq.port=" + port));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Could not connect to the RabbitMQ broker at amqp://127.0.0.1:" + port + "/")
			.contains("spring.rabbitmq.host");
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}

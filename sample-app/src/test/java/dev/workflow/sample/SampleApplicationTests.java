package dev.workflow.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

	@Test
	void whenTheSampleRunsThenTheExamplesCompleteAndTheApiAndDashboardAreServed(CapturedOutput output)
			throws Exception {
		try (ConfigurableApplicationContext context = SpringApplication.run(SampleApplication.class,
				"--server.port=0")) {
			assertThat(output.getOut())
				.containsPattern("Hello, I am step 1 and I've received 21 at \\d{4}-\\d{2}-\\d{2}T[\\d:.]+\n")
				.contains("Hello, I am step 2 and I've received 22 thanks to prryplatypus\n")
				.contains("Validating order order-42 for user user-7\n")
				.containsPattern("Job [0-9a-f-]{36} of my_first_workflow: COMPLETED, result null\n")
				.containsPattern("Job [0-9a-f-]{36} of process_order_pipeline: COMPLETED, result \\{valid=true\\}\n")
				.contains("Validating order order-43 for user user-8\n")
				.containsPattern("Job [0-9a-f-]{36} of process_order: COMPLETED, result \\{valid=true\\}\n")
				.containsPattern("Job [0-9a-f-]{36} of word_count: COMPLETED, result 12\n");
			String base = "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
			HttpResponse<String> workflows = get(base + "/workflow/api/workflows");
			assertThat(workflows.statusCode()).isEqualTo(200);
			assertThat(workflows.body()).contains("\"name\":\"my_first_workflow\"", "\"name\":\"word_count\"");
			HttpResponse<String> dashboard = get(base + "/workflow");
			assertThat(dashboard.statusCode()).isEqualTo(200);
			assertThat(dashboard.headers().firstValue("Content-Type")).hasValueSatisfying(
					(type) -> assertThat(type).startsWith("text/html"));
		}
	}

	private static HttpResponse<String> get(String url) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
	}

}

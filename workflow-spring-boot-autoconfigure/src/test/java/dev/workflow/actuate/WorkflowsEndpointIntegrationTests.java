package dev.workflow.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.JobStatus;
import dev.workflow.api.StartOptions;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code workflows} Actuator endpoint over HTTP, as Actuator's rules expose it: read only and with user-context
 * values masked by default; retry and cancel where its access is unrestricted, values shown where configured. And the
 * engine's part of {@code /actuator/info}.
 */
class WorkflowsEndpointIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	private static ConfigurableApplicationContext readOnly;

	private static ConfigurableApplicationContext unrestricted;

	@BeforeAll
	static void start() {
		String database = TestDatabases.createEmptyDatabase();
		readOnly = start(database, "ro");
		unrestricted = start(database, "rw", "--management.endpoint.workflows.access=unrestricted",
				"--management.endpoint.workflows.show-values=always");
	}

	private static ConfigurableApplicationContext start(String database, String name, String... more) {
		String[] common = { "--spring.main.web-application-type=servlet", "--server.port=0",
				"--spring.datasource.url=" + database, "--workflow.broker.exchange=wf-test-actuator-" + name,
				"--workflow.broker.step-queue=wf-test-actuator-" + name + ".steps",
				"--workflow.broker.parking-queue=wf-test-actuator-" + name + ".parked",
				"--workflow.worker.id=actuator-" + name, "--spring.autoconfigure.exclude=" + TestApplication.WITHOUT_WEB_SECURITY,
				"--management.endpoints.web.exposure.include=workflows,info" };
		String[] args = new String[common.length + more.length];
		System.arraycopy(common, 0, args, 0, common.length);
		System.arraycopy(more, 0, args, common.length, more.length);
		return new SpringApplicationBuilder(TestApplication.class).run(args);
	}

	@AfterAll
	static void stop() {
		readOnly.close();
		unrestricted.close();
	}

	@Test
	void whenReadThenTheWorkflowsAndAJobWithItsHistoryAreShownWithTheUserContextMasked() throws Exception {
		UUID job = failedJob(readOnly);
		JsonNode workflows = json.readTree(get(readOnly, "/actuator/workflows").body());
		assertThat(workflows.path("workflows").findValuesAsString("name")).contains("flaky", "five_steps");

		HttpResponse<String> detail = get(readOnly, "/actuator/workflows/" + job);
		assertThat(detail.statusCode()).isEqualTo(200);
		JsonNode body = json.readTree(detail.body());
		assertThat(body.path("job").path("status").asString()).isEqualTo("FAILED");
		assertThat(body.path("job").path("userContext").path("customer").asString()).isEqualTo("******");
		assertThat(body.path("history").size()).isEqualTo(3);

		assertThat(get(readOnly, "/actuator/workflows/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
		assertThat(get(readOnly, "/actuator/workflows/not-a-job").statusCode()).isEqualTo(400);
	}

	@Test
	void whenTheEndpointIsReadOnlyThenARetryIsRefused() throws Exception {
		UUID job = failedJob(readOnly);
		assertThat(post(readOnly, "/actuator/workflows/" + job + "/retry").statusCode()).isIn(404, 405);
		assertThat(readOnly.getBean(WorkflowClient.class).get(job).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
	}

	@Test
	void whenTheEndpointIsUnrestrictedThenAJobIsRetriedOrCancelledAndValuesShownAsConfigured() throws Exception {
		UUID job = failedJob(unrestricted);
		HttpResponse<String> retried = post(unrestricted, "/actuator/workflows/" + job + "/retry");
		assertThat(retried.statusCode()).isEqualTo(200);
		JsonNode body = json.readTree(retried.body());
		assertThat(body.path("job").path("userContext").path("customer").asString()).isEqualTo("acme");
		assertThat(body.path("job").path("status").asString()).isNotEqualTo("FAILED");

		assertThat(post(unrestricted, "/actuator/workflows/" + job + "/archive").statusCode()).isEqualTo(400);
		UUID waiting = unrestricted.getBean(WorkflowClient.class)
			.start("flaky", "never", StartOptions.defaults().userContext(Map.of("customer", "acme")))
			.id();
		HttpResponse<String> cancelled = post(unrestricted, "/actuator/workflows/" + waiting + "/cancel");
		assertThat(cancelled.statusCode()).isIn(200, 400);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> unrestricted.getBean(WorkflowClient.class).get(waiting).orElseThrow().status().isFinal());
	}

	@Test
	void theInfoEndpointShowsTheEngine() throws Exception {
		JsonNode workflow = json.readTree(get(readOnly, "/actuator/info").body()).path("workflow");
		assertThat(workflow.path("schemaVersion").asString()).isEqualTo("26");
		assertThat(workflow.path("workerId").asString()).isEqualTo("actuator-ro");
		assertThat(workflow.path("workflows").toString()).contains("\"flaky\"");
	}

	/** A job of the flaky workflow that failed its three attempts. */
	private static UUID failedJob(ConfigurableApplicationContext context) {
		WorkflowClient client = context.getBean(WorkflowClient.class);
		UUID id = client.start("flaky", "never", StartOptions.defaults().userContext(Map.of("customer", "acme"))).id();
		await().atMost(Duration.ofSeconds(30)).until(() -> client.get(id).orElseThrow().status() == JobStatus.FAILED);
		return id;
	}

	private static HttpResponse<String> get(ConfigurableApplicationContext context, String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(base(context) + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> post(ConfigurableApplicationContext context, String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(base(context) + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String base(ConfigurableApplicationContext context) {
		return "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}

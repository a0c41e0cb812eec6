package dev.workflow.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST API behind Spring Security, over real HTTP on real servers: who may read, who may act, CSRF protection of
 * actions, and the application's own paths left to the application's security.
 */
class WorkflowSecurityIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	private static ConfigurableApplicationContext context;

	private static String base;

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(TestApplication.class, Users.class).run(
				"--spring.main.web-application-type=servlet", "--server.port=0",
				"--spring.datasource.url=" + TestDatabases.createEmptyDatabase(), "--workflow.api.enabled=true",
				"--workflow.dashboard.enabled=true", "--workflow.security.read-role=OPS_READ", "--workflow.broker.exchange=wf-test-security",
				"--workflow.broker.step-queue=wf-test-security.steps",
				"--workflow.broker.parking-queue=wf-test-security.parked");
		base = "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	void whenARequestIsNotAuthenticatedThenItIsRefusedWith401() throws Exception {
		HttpResponse<String> anonymous = send("GET", "/workflow/api/jobs", null, null, null);
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
				(challenge) -> assertThat(challenge).startsWith("Basic"));
		assertThat(anonymous.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(json.readTree(anonymous.body()).get("type").asString())
			.isEqualTo("urn:dev.workflow:problem:unauthenticated");
		String action = "{\"workflow\": \"flaky\"}";
		assertThat(send("POST", "/workflow/api/jobs", null, null, action).statusCode())
			.as("CSRF protection comes first")
			.isEqualTo(403);
		assertThat(send("POST", "/workflow/api/jobs", null, csrfToken("reader:secret"), action).statusCode())
			.isEqualTo(401);
		assertThat(send("GET", "/workflow/api/jobs", "reader:wrong", null, null).statusCode()).isEqualTo(401);
	}

	@Test
	void whenTheDashboardIsAskedForWithoutCredentialsThenItIsRefusedWith401() throws Exception {
		assertThat(send("GET", "/workflow", null, null, null).statusCode()).isEqualTo(401);
		assertThat(send("GET", "/workflow/", null, null, null).statusCode()).isEqualTo(401);
		assertThat(send("GET", "/workflow", "reader:secret", null, null).statusCode()).isEqualTo(200);
		assertThat(send("GET", "/workflow", "stranger:secret", null, null).statusCode()).isEqualTo(403);
	}

	@Test
	void whenAUserHasNeitherRoleThenReadingIsForbidden() throws Exception {
		HttpResponse<String> stranger = send("GET", "/workflow/api/workflows", "stranger:secret", null, null);
		assertThat(stranger.statusCode()).isEqualTo(403);
		assertThat(json.readTree(stranger.body()).get("detail").asString())
			.isEqualTo("Reading needs role OPS_READ or WORKFLOW_ACT");
	}

	@Test
	void whenAUserMayOnlyReadThenReadsAreAnsweredAndActionsForbidden() throws Exception {
		assertThat(send("GET", "/workflow/api/jobs", "reader:secret", null, null).statusCode()).isEqualTo(200);
		String token = csrfToken("reader:secret");

		HttpResponse<String> start = send("POST", "/workflow/api/jobs", "reader:secret", token,
				"{\"workflow\": \"flaky\", \"input\": \"fine\"}");

		assertThat(start.statusCode()).isEqualTo(403);
		assertThat(json.readTree(start.body()).get("detail").asString()).isEqualTo("Acting needs role WORKFLOW_ACT");
	}

	@Test
	void whenAUserMayActThenAnActionNeedsTheCsrfToken() throws Exception {
		String body = "{\"workflow\": \"flaky\", \"input\": \"fine\"}";
		HttpResponse<String> withoutToken = send("POST", "/workflow/api/jobs", "operator:secret", null, body);
		assertThat(withoutToken.statusCode()).isEqualTo(403);
		assertThat(json.readTree(withoutToken.body()).get("type").asString())
			.isEqualTo("urn:dev.workflow:problem:csrf");
		String token = csrfToken("operator:secret");
		assertThat(send("POST", "/workflow/api/jobs", "operator:secret", token + "|forged", body).statusCode())
			.as("a header that is not the cookie's token")
			.isEqualTo(403);

		HttpResponse<String> withToken = send("POST", "/workflow/api/jobs", "operator:secret", token, body);

		assertThat(withToken.statusCode()).isEqualTo(201);
		String id = json.readTree(withToken.body()).get("id").asString();
		assertThat(send("GET", "/workflow/api/jobs/" + id, "operator:secret", null, null).statusCode())
			.as("the act role reads too")
			.isEqualTo(200);
	}

	@Test
	void whenAPathIsNotTheWorkflowsThenTheApplicationsOwnSecurityDecides() throws Exception {
		HttpResponse<String> other = send("GET", "/somewhere-else", "reader:secret", null, null);
		assertThat(other.statusCode()).as("Boot's default chain: authenticated, then not found").isEqualTo(404);
		assertThat(send("GET", "/somewhere-else", null, null, null).statusCode()).isEqualTo(401);
		assertThat(send("GET", "/workflow/reports", "stranger:secret", null, null).statusCode())
			.as("an application path below the dashboard's is the application's, not the workflow roles'")
			.isEqualTo(404);
	}

	/**
	 * Reads the CSRF token as a browser's script would: from the cookie of a read.
	 */
	private static String csrfToken(String user) throws Exception {
		HttpResponse<String> read = send("GET", "/workflow/api/workflows", user, null, null);
		List<String> cookies = read.headers().allValues("Set-Cookie");
		return cookies.stream()
			.filter((cookie) -> cookie.startsWith("XSRF-TOKEN="))
			.map((cookie) -> cookie.substring("XSRF-TOKEN=".length(), cookie.indexOf(';')))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No XSRF-TOKEN cookie in " + cookies));
	}

	/**
	 * Sends a request; {@code csrf} is the token for both the cookie and the header, or {@code cookie|header}.
	 */
	private static HttpResponse<String> send(String method, String path, String user, String csrf, String body)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (user != null) {
			request.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
		}
		if (csrf != null) {
			String[] cookieAndHeader = csrf.split("\\|");
			request.header("Cookie", "XSRF-TOKEN=" + cookieAndHeader[0])
				.header("X-XSRF-TOKEN", cookieAndHeader[cookieAndHeader.length - 1]);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	static class Users {

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("reader").password("{noop}secret").roles("OPS_READ").build(),
					User.withUsername("operator").password("{noop}secret").roles("WORKFLOW_ACT").build(),
					User.withUsername("stranger").password("{noop}secret").roles("SALES").build());
		}

	}

}

package dev.workflow.web;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * The REST API over real HTTP, on real servers and a database of its own: every endpoint, filters and pages, and
 * problem details for every kind of bad request.
 */
class WorkflowApiIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	private static ConfigurableApplicationContext context;

	private static String api;

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(TestApplication.class).run(
				"--spring.main.web-application-type=servlet", "--server.port=0",
				"--spring.datasource.url=" + TestDatabases.createEmptyDatabase(), "--workflow.api.enabled=true",
				"--workflow.api.base-path=/ops/api", "--workflow.broker.exchange=wf-test-api",
				"--workflow.broker.step-queue=wf-test-api.steps", "--workflow.broker.parking-queue=wf-test-api.parked",
				"--workflow.max-payload-size=64KB",
				"--spring.autoconfigure.exclude=" + TestApplication.WITHOUT_WEB_SECURITY,
				"--workflow.api.allow-unauthenticated=true");
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		api = "http://localhost:" + port + "/ops/api";
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	void whenAJobIsStartedOverHttpThenItIsCreatedAndItsDetailShowsItsSteps() throws Exception {
		String tenant = UUID.randomUUID().toString();
		HttpResponse<String> created = post("/jobs", """
				{"workflow": "five_steps", "input": ["a"], "userContext": {"tenant": "%s", "n": 7}}""".formatted(tenant));

		assertThat(created.statusCode()).isEqualTo(201);
		JsonNode job = json.readTree(created.body());
		String id = job.get("id").asString();
		assertThat(created.headers().firstValue("Location")).hasValue(api + "/jobs/" + id);
		assertThat(job.get("workflow").asString()).isEqualTo("five_steps");
		assertThat(job.get("userContext").get("tenant").asString()).isEqualTo(tenant);
		assertThat(Instant.parse(job.get("createdAt").asString())).isBeforeOrEqualTo(Instant.now());
		await().atMost(WAIT).until(() -> status(id) == JobStatus.COMPLETED);

		JsonNode detail = json.readTree(get("/jobs/" + id).body());
		assertThat(detail.get("job").get("percentComplete").asInt()).isEqualTo(100);
		assertThat(detail.get("job").get("output").isNull()).isFalse();
		JsonNode steps = detail.get("steps");
		assertThat(steps.size()).isEqualTo(5);
		assertThat(steps.get(0).get("step").asString()).isEqualTo("s1");
		assertThat(steps.get(0).get("status").asString()).isEqualTo("COMPLETED");
		assertThat(steps.get(0).get("input").get(0).asString()).isEqualTo("a");
		assertThat(steps.get(0).has("startedAt") && steps.get(0).has("finishedAt")).isTrue();
	}

	@Test
	void whenJobsAreStartedInABatchOverHttpThenAllOrNoneAreCreated() throws Exception {
		String tenant = UUID.randomUUID().toString();
		HttpResponse<String> created = post("/jobs/batch", """
				{"workflow": "five_steps", "inputs": [["a"], ["b"], ["c"]], "userContext": {"tenant": "%s"}}"""
			.formatted(tenant));

		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		JsonNode batch = json.readTree(created.body());
		assertThat(batch.get("count").asInt()).isEqualTo(3);
		List<String> ids = new ArrayList<>();
		batch.get("ids").forEach((id) -> ids.add(id.asString()));
		assertThat(ids).hasSize(3).doesNotHaveDuplicates();
		for (String id : ids) {
			await().atMost(WAIT).until(() -> status(id) == JobStatus.COMPLETED);
		}
		assertThat(json.readTree(get("/jobs/" + ids.get(1)).body()).get("job").get("output").get(0).asString())
			.isEqualTo("b");
		assertThat(json.readTree(get("/jobs/" + ids.get(2)).body()).get("job").get("userContext").get("tenant")
			.asString()).isEqualTo(tenant);

		String refused = UUID.randomUUID().toString();
		assertThat(problem(post("/jobs/batch", """
				{"workflow": "five_steps", "inputs": [["a"], ["%s"]], "userContext": {"tenant": "%s"}}"""
			.formatted("x".repeat(70_000), refused)), 413).get("detail").asString()).contains("input 1 of workflow");
		assertThat(json.readTree(get("/jobs?userContext.tenant=" + refused).body()).get("items").size())
			.as("no job of a refused batch")
			.isZero();
		JsonNode noInputs = problem(post("/jobs/batch", """
				{"workflow": "five_steps", "input": 1}"""), 400);
		assertThat(noInputs.get("errors").get(0).get("parameter").asString()).isEqualTo("inputs");
		JsonNode keyed = problem(post("/jobs/batch", """
				{"workflow": "five_steps", "inputs": [1], "idempotencyKey": "k"}"""), 400);
		assertThat(keyed.get("errors").get(0).get("parameter").asString()).isEqualTo("idempotencyKey");
		JsonNode badFlow = problem(post("/jobs", """
				{"workflow": "one_per_key", "input": "x", "concurrencyKey": "", "priority": 101}"""), 400);
		assertThat(badFlow.get("detail").asString()).contains("concurrencyKey: must be a string of 1 to 200 characters")
			.contains("priority: must be a whole number from 0 to 100 (higher first), not 101");
		JsonNode keyedStart = json.readTree(post("/jobs", """
				{"workflow": "one_per_key", "input": "x", "concurrencyKey": "customer-42", "priority": 7}""").body());
		assertThat(keyedStart.get("concurrencyKey").asString()).isEqualTo("customer-42");
		assertThat(keyedStart.get("priority").asInt()).isEqualTo(7);
	}

	@Test
	void whenJobsAreListedThenFiltersAndPagesApply() throws Exception {
		String tenant = UUID.randomUUID().toString();
		WorkflowClient client = context.getBean(WorkflowClient.class);
		List<UUID> started = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			started.add(client.start("five_steps", List.of("x"),
					StartOptions.defaults().userContext(Map.of("tenant", tenant, "n", i)))
				.id());
		}
		for (UUID id : started) {
			client.handle(id, Object.class).await(WAIT);
		}

		JsonNode first = json.readTree(get("/jobs?workflow=five_steps&status=COMPLETED&size=2&userContext.tenant="
				+ tenant).body());
		assertThat(first.get("items").size()).isEqualTo(2);
		assertThat(first.get("hasNext").asBoolean()).isTrue();
		assertThat(first.get("items").get(0).get("id").asString()).isEqualTo(started.get(2).toString());
		JsonNode second = json.readTree(get("/jobs?size=2&page=1&userContext.tenant=" + tenant).body());
		assertThat(second.get("items").size()).isEqualTo(1);
		assertThat(second.get("hasNext").asBoolean()).isFalse();
		assertThat(second.get("items").get(0).get("id").asString()).isEqualTo(started.get(0).toString());
		JsonNode byNumber = json.readTree(get("/jobs?userContext.n=1&userContext.tenant=" + tenant).body());
		assertThat(byNumber.get("items").size()).isEqualTo(1);
		assertThat(byNumber.get("items").get(0).get("id").asString()).isEqualTo(started.get(1).toString());
		assertThat(json.readTree(get("/jobs?userContext.n=%221%22&userContext.tenant=" + tenant).body())
			.get("items")
			.size()).as("a quoted value is a string, which n is not").isZero();
		assertThat(json.readTree(get("/jobs?status=FAILED&userContext.tenant=" + tenant).body()).get("items").size())
			.isZero();
		String future = encode(Instant.now().plus(Duration.ofHours(1)).toString());
		assertThat(json.readTree(get("/jobs?createdAfter=" + future).body()).get("items").size()).isZero();
	}

	@Test
	void whenAJobFailedThenItIsRetriedOverHttpAndAWaitingJobTakesAnEventAndAnotherIsCancelled() throws Exception {
		String failed = json.readTree(post("/jobs", """
				{"workflow": "flaky", "input": "fail-3"}""").body()).get("id").asString();
		await().atMost(WAIT).until(() -> status(failed) == JobStatus.FAILED);
		assertThat(post("/jobs/" + failed + "/cancel", "").statusCode()).isEqualTo(409);

		HttpResponse<String> retried = post("/jobs/" + failed + "/retry", "");
		assertThat(retried.statusCode()).isEqualTo(200);
		assertThat(json.readTree(retried.body()).get("status").asString()).isIn("RUNNING", "COMPLETED");
		await().atMost(WAIT).until(() -> status(failed) == JobStatus.COMPLETED);
		assertThat(json.readTree(get("/jobs/" + failed).body()).get("steps").size()).isEqualTo(4);

		String waiting = json.readTree(post("/jobs", """
				{"workflow": "approval", "input": ["", 60000]}""").body()).get("id").asString();
		assertThat(post("/jobs/" + waiting + "/events/approval", "\"alice\"").statusCode()).isEqualTo(202);
		await().atMost(WAIT).until(() -> status(waiting) == JobStatus.COMPLETED);
		assertThat(json.readTree(get("/jobs/" + waiting).body()).get("job").get("output").asString())
			.isEqualTo("approved by alice");
		assertThat(problem(post("/jobs/" + waiting + "/events/approval", "\"bob\""), 409).get("type").asString())
			.isEqualTo("urn:dev.workflow:problem:job-ended");

		String cancelled = json.readTree(post("/jobs", """
				{"workflow": "approval", "input": ["", 60000]}""").body()).get("id").asString();
		HttpResponse<String> cancel = post("/jobs/" + cancelled + "/cancel", "");
		assertThat(cancel.statusCode()).isEqualTo(200);
		assertThat(json.readTree(cancel.body()).get("status").asString()).isEqualTo("CANCELLED");
		assertThat(problem(post("/jobs/" + cancelled + "/retry", ""), 409).get("detail").asString())
			.contains("is CANCELLED; only FAILED jobs can be retried");
	}

	@Test
	void whenWorkflowsAreSummarisedThenEachHasCountsAndThroughput() throws Exception {
		String id = json.readTree(post("/jobs", """
				{"workflow": "flaky", "input": "fine"}""").body()).get("id").asString();
		await().atMost(WAIT).until(() -> status(id) == JobStatus.COMPLETED);

		JsonNode workflows = json.readTree(get("/workflows").body());
		JsonNode flaky = null;
		for (JsonNode workflow : workflows) {
			flaky = workflow.get("name").asString().equals("flaky") ? workflow : flaky;
		}
		assertThat(flaky).isNotNull();
		assertThat(flaky.get("kind").asString()).isEqualTo("pipeline");
		assertThat(flaky.get("counts").get("COMPLETED").asLong()).isPositive();
		assertThat(flaky.get("counts").has("CANCELLED")).isTrue();
		assertThat(flaky.get("completedLastHour").asLong()).isPositive();
		assertThat(flaky.get("throughput").size()).isEqualTo(15);
	}

	@Test
	void whenARequestCannotBeUsedThenTheAnswerIsAProblemDetailSayingWhy() throws Exception {
		JsonNode badId = problem(get("/jobs/not-a-uuid"), 400);
		assertThat(badId.get("type").asString()).isEqualTo("urn:dev.workflow:problem:invalid-request");
		assertThat(badId.get("instance").asString()).isEqualTo("/ops/api/jobs/not-a-uuid");
		assertThat(badId.get("errors").get(0).get("parameter").asString()).isEqualTo("id");

		assertThat(problem(get("/jobs/" + UUID.randomUUID()), 404).get("type").asString())
			.isEqualTo("urn:dev.workflow:problem:job-not-found");
		assertThat(problem(post("/jobs/" + UUID.randomUUID() + "/retry", ""), 404).get("title").asString())
			.isEqualTo("Job not found");

		JsonNode badList = problem(get("/jobs?status=DONE&size=0&page=-1&createdAfter=yesterday&sort=id"), 400);
		List<String> parameters = new ArrayList<>();
		badList.get("errors").forEach((error) -> parameters.add(error.get("parameter").asString()));
		assertThat(parameters).containsExactlyInAnyOrder("status", "size", "page", "createdAfter", "sort");
		assertThat(badList.get("detail").asString()).contains("'DONE' is not one of [WAITING, QUEUED, RUNNING, COMPLETED");

		assertThat(problem(post("/jobs", """
				{"workflow": "no_such_workflow"}"""), 400).get("type").asString())
			.isEqualTo("urn:dev.workflow:problem:unknown-workflow");
		JsonNode badStart = problem(post("/jobs", """
				{"input": 1, "userContext": [1], "colour": "red"}"""), 400);
		List<String> fields = new ArrayList<>();
		badStart.get("errors").forEach((error) -> fields.add(error.get("parameter").asString()));
		assertThat(fields).containsExactlyInAnyOrder("workflow", "userContext", "colour");
		assertThat(problem(post("/jobs", "{not json"), 400).get("detail").asString()).startsWith("body: is not JSON");
		assertThat(problem(post("/jobs", """
				{"workflow": "looping", "input": "not a number"}"""), 400).get("type").asString())
			.isEqualTo("urn:dev.workflow:problem:unusable-value");
		JsonNode tooLarge = problem(post("/jobs", """
				{"workflow": "looping", "input": "%s"}""".formatted("x".repeat(70_000))), 413);
		assertThat(tooLarge.get("type").asString()).isEqualTo("urn:dev.workflow:problem:payload-too-large");
		assertThat(tooLarge.get("detail").asString()).contains("more than workflow.max-payload-size (65,536 bytes)");

		HttpResponse<String> wrongType = http.send(HttpRequest.newBuilder(URI.create(api + "/jobs"))
			.header("Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(wrongType.statusCode()).isEqualTo(415);
		assertThat(wrongType.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
	}

	private static JobStatus status(String id) throws Exception {
		return JobStatus.valueOf(json.readTree(get("/jobs/" + id).body()).get("job").get("status").asString());
	}

	private static JsonNode problem(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		return problem;
	}

	@Test
	void whenAScheduleIsSavedPausedTriggeredAndDeletedOverHttpThenEachAnswersWithTheSchedule() throws Exception {
		String name = "api-" + UUID.randomUUID();
		HttpResponse<String> saved = send("PUT", "/schedules/" + name, """
				{"workflow": "five_steps", "cron": "0 0 6 * * MON-FRI", "zone": "Europe/Paris", "input": ["a"],
				 "missedFires": "skip"}""");
		assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
		JsonNode schedule = json.readTree(saved.body());
		assertThat(schedule.get("workflow").asString()).isEqualTo("five_steps");
		assertThat(schedule.get("missedFires").asString()).isEqualTo("SKIP");
		assertThat(schedule.get("declared").asBoolean()).isFalse();
		assertThat(Instant.parse(schedule.get("nextFireAt").asString())).isAfter(Instant.now());
		assertThat(json.readTree(get("/schedules").body()).findValuesAsString("name")).contains(name);

		JsonNode paused = json.readTree(post("/schedules/" + name + "/pause", "").body());
		assertThat(paused.get("paused").asBoolean()).isTrue();
		HttpResponse<String> triggered = post("/schedules/" + name + "/trigger", "");
		assertThat(triggered.statusCode()).as(triggered.body()).isEqualTo(201);
		String jobId = json.readTree(triggered.body()).get("id").asString();
		assertThat(triggered.headers().firstValue("Location")).hasValue(api + "/jobs/" + jobId);
		await().atMost(WAIT).until(() -> status(jobId) == JobStatus.COMPLETED);
		assertThat(json.readTree(post("/schedules/" + name + "/resume", "").body()).get("paused").asBoolean())
			.isFalse();

		assertThat(send("DELETE", "/schedules/" + name, null).statusCode()).isEqualTo(204);
		HttpResponse<String> gone = get("/schedules/" + name);
		assertThat(gone.statusCode()).isEqualTo(404);
		assertThat(json.readTree(gone.body()).get("type").asString()).endsWith("schedule-not-found");
	}

	@Test
	void whenAScheduleRequestIsBadThenTheProblemNamesTheField() throws Exception {
		HttpResponse<String> badCron = send("PUT", "/schedules/bad", """
				{"workflow": "five_steps", "cron": "whenever"}""");
		assertThat(badCron.statusCode()).isEqualTo(400);
		assertThat(badCron.body()).contains("\"parameter\":\"cron\"").contains("whenever");
		HttpResponse<String> badZone = send("PUT", "/schedules/bad", """
				{"workflow": "five_steps", "cron": "@daily", "zone": "Mars/Olympus"}""");
		assertThat(badZone.statusCode()).isEqualTo(400);
		assertThat(badZone.body()).contains("\"parameter\":\"zone\"");
		HttpResponse<String> badPolicy = send("PUT", "/schedules/bad", """
				{"workflow": "five_steps", "cron": "@daily", "missedFires": "sometimes"}""");
		assertThat(badPolicy.statusCode()).isEqualTo(400);
		assertThat(badPolicy.body()).contains("\"parameter\":\"missedFires\"");
		HttpResponse<String> unknownField = send("PUT", "/schedules/bad", """
				{"workflow": "five_steps", "cron": "@daily", "when": "now"}""");
		assertThat(unknownField.statusCode()).isEqualTo(400);
		assertThat(unknownField.body()).contains("\"parameter\":\"when\"");
		HttpResponse<String> unknownWorkflow = send("PUT", "/schedules/bad", """
				{"workflow": "no_such_workflow", "cron": "@daily"}""");
		assertThat(unknownWorkflow.statusCode()).isEqualTo(400);
		assertThat(json.readTree(unknownWorkflow.body()).get("type").asString()).endsWith("unknown-workflow");
		assertThat(post("/schedules/no-such/pause", "").statusCode()).isEqualTo(404);
		assertThat(get("/schedules/bad").statusCode()).isEqualTo(404);
	}

	@Test
	void whenAWorkflowIsPausedAndResumedOverHttpThenTheOverviewShowsIt() throws Exception {
		HttpResponse<String> paused = post("/workflows/five_steps/pause", "");
		try {
			assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
			assertThat(json.readTree(paused.body()).get("paused").asBoolean()).isTrue();
			assertThat(json.readTree(paused.body()).get("changed").asBoolean()).isTrue();
			JsonNode overview = json.readTree(get("/workflows").body());
			JsonNode fiveSteps = null;
			for (JsonNode summary : overview) {
				if (summary.get("name").asString().equals("five_steps")) {
					fiveSteps = summary;
				}
			}
			assertThat(fiveSteps).isNotNull();
			assertThat(Instant.parse(fiveSteps.get("pausedAt").asString())).isBeforeOrEqualTo(Instant.now());
		}
		finally {
			HttpResponse<String> resumed = post("/workflows/five_steps/resume", "");
			assertThat(resumed.statusCode()).isEqualTo(200);
			assertThat(json.readTree(resumed.body()).get("changed").asBoolean()).isTrue();
		}
		assertThat(json.readTree(post("/workflows/five_steps/resume", "").body()).get("changed").asBoolean())
			.isFalse();
		HttpResponse<String> unknown = post("/workflows/no_such_workflow/pause", "");
		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(json.readTree(unknown.body()).get("type").asString()).endsWith("unknown-workflow");
	}

	@Test
	void whenDebouncedStartsArePostedThenTheyMakeOneJobWithTheLastInput() throws Exception {
		String key = UUID.randomUUID().toString();
		HttpResponse<String> first = post("/jobs", """
				{"workflow": "five_steps", "input": ["first"], "debounce": {"key": "%s", "window": "1s"}}"""
			.formatted(key));
		HttpResponse<String> last = post("/jobs", """
				{"workflow": "five_steps", "input": ["last"], "debounce": {"key": "%s", "window": "1s"}}"""
			.formatted(key));
		assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
		assertThat(last.statusCode()).as(last.body()).isEqualTo(200);
		String id = json.readTree(first.body()).get("id").asString();
		assertThat(json.readTree(last.body()).get("id").asString()).isEqualTo(id);
		await().atMost(WAIT).until(() -> status(id) == JobStatus.COMPLETED);
		assertThat(json.readTree(get("/jobs/" + id).body()).get("steps").get(0).get("input").get(0).asString())
			.isEqualTo("last");

		HttpResponse<String> badWindow = post("/jobs", """
				{"workflow": "five_steps", "input": ["x"], "debounce": {"key": "k", "window": "soon"}}""");
		assertThat(badWindow.statusCode()).isEqualTo(400);
		assertThat(badWindow.body()).contains("\"parameter\":\"debounce\"").contains("'soon' is not a duration");
		HttpResponse<String> withKey = post("/jobs", """
				{"workflow": "five_steps", "input": ["x"], "idempotencyKey": "i-1",
				 "debounce": {"key": "k", "window": "1s"}}""");
		assertThat(withKey.statusCode()).isEqualTo(400);
		assertThat(withKey.body()).contains("it takes no idempotency key");
	}

	@Test
	void whenJobsAreCountedAndDeletedInBulkOverHttpThenTheFiltersOfTheJobListSelectThem() throws Exception {
		String tenant = UUID.randomUUID().toString();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> created = post("/jobs", """
					{"workflow": "five_steps", "input": ["a"], "userContext": {"tenant": "%s"}}""".formatted(tenant));
			ids.add(json.readTree(created.body()).get("id").asString());
		}
		for (String id : ids) {
			await().atMost(WAIT).until(() -> status(id) == JobStatus.COMPLETED);
		}
		assertThat(json.readTree(get("/jobs/" + ids.get(0)).body()).get("actions").isArray()).isTrue();

		HttpResponse<String> dryRun = post("/bulk/delete?userContext.tenant=" + tenant + "&dryRun=true&size=1", "");
		assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
		assertThat(json.readTree(dryRun.body()).get("matched").asLong()).isEqualTo(3);
		assertThat(get("/jobs/" + ids.get(0)).statusCode()).isEqualTo(200);

		HttpResponse<String> deleted = post("/bulk/delete?status=COMPLETED&userContext.tenant=" + tenant, "");
		assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
		assertThat(json.readTree(deleted.body()).get("done").asLong()).isEqualTo(3);
		assertThat(get("/jobs/" + ids.get(0)).statusCode()).isEqualTo(404);

		HttpResponse<String> unknown = post("/bulk/explode?userContext.tenant=" + tenant, "");
		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(unknown.body()).contains("\"parameter\":\"action\"");
		HttpResponse<String> badFilter = post("/bulk/retry?state=FAILED", "");
		assertThat(badFilter.statusCode()).isEqualTo(400);
		assertThat(badFilter.body()).contains("\"parameter\":\"state\"");
	}

	private static HttpResponse<String> send(String method, String path, String body) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(api + path))
			.header("Content-Type", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(api + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> post(String path, String body) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(api + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}

package dev.workflow.web;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.stream.Stream;

import dev.workflow.api.JobStatus;
import dev.workflow.api.ScheduleRequest;
import dev.workflow.api.StartOptions;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowSchedules;
import dev.workflow.test.TestDatabases;
import dev.workflow.web.ShopWorkflows.Order;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real headless Chromium, on the real application, REST API, PostgreSQL and RabbitMQ: an operator
 * looks at the overview, lists and filters jobs, opens a failed job's timeline, retries it, and cancels a job that
 * waits, signed in through the workflow filter chain of Spring Security, with its CSRF protection. Each stage leaves
 * a screenshot in {@code target/dashboard-screenshots}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardEndToEndTests {

	private static final String CHROMIUM = "/usr/bin/chromium";

	private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

	private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** Spring Security is on the tests' class path: the dashboard is used as an operator who may act. */
	private static final String OPERATOR = "operator";

	private static final String PASSWORD = UUID.randomUUID().toString();

	private static ConfigurableApplicationContext application;

	private static ChromeDriver browser;

	/** A screenshot of the page a failure happened on, next to the stages' screenshots. */
	@RegisterExtension
	static final AfterTestExecutionCallback screenshotOnFailure = (context) -> {
		if (context.getExecutionException().isPresent() && browser != null) {
			screenshot("failure");
		}
	};

	private static String dashboard;

	@BeforeAll
	static void startApplicationAndBrowser() throws IOException {
		boolean installed = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
		String message = "The dashboard's end-to-end tests need Chromium and its driver at " + CHROMIUM + " and "
				+ CHROMEDRIVER + " (Debian: apt-get install chromium chromium-driver; .ci/run installs them)";
		if (System.getenv("CI") != null && !System.getenv("CI").isEmpty()) {
			assertThat(installed).as(message).isTrue();
		}
		assumeTrue(installed, message);

		application = new SpringApplicationBuilder(DashboardApplication.class).run(
				"--spring.main.web-application-type=servlet", "--server.port=0",
				"--spring.datasource.url=" + TestDatabases.createEmptyDatabase(),
				"--workflow.broker.exchange=wf-test-dashboard", "--workflow.broker.step-queue=wf-test-dashboard.steps",
				"--workflow.broker.parking-queue=wf-test-dashboard.parked", "--workflow.api.enabled=true",
				"--workflow.dashboard.enabled=true", "--workflow.dashboard.refresh-interval=1s",
				"--spring.security.user.name=" + OPERATOR, "--spring.security.user.password=" + PASSWORD,
				"--spring.security.user.roles=WORKFLOW_ACT");
		int port = ((WebServerApplicationContext) application).getWebServer().getPort();
		dashboard = "http://localhost:" + port + "/workflow";

		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM);
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--window-size=1400,1000", "--lang=en-US");
		options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
		browser = new ChromeDriver(service, options);
		// The operator's credentials on every request, as a browser sends them once its user has signed in
		browser.executeCdpCommand("Network.enable", Map.of());
		browser.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", "Basic "
				+ Base64.getEncoder().encodeToString((OPERATOR + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))));
		Files.createDirectories(SCREENSHOTS);
		try (Stream<Path> old = Files.list(SCREENSHOTS)) {
			for (Path screenshot : old.toList()) {
				Files.delete(screenshot);
			}
		}
	}

	@AfterAll
	static void stopBrowserAndApplication() {
		if (browser != null) {
			browser.quit();
		}
		if (application != null) {
			application.close();
		}
	}

	@Test
	@org.junit.jupiter.api.Order(1)
	void whenAnOperatorClicksThroughTheDashboardThenTheyFindInspectRetryAndCancelJobs() throws Exception {
		WorkflowClient client = application.getBean(WorkflowClient.class);
		UUID acme1 = completedOrder(client, "A-1001", "acme");
		UUID globex = completedOrder(client, "A-1002", "globex");
		UUID acme2 = completedOrder(client, "A-1003", "acme");
		ShopWorkflows.DECLINED.add("initech");
		UUID failed = client.start("order_fulfilment", new Order("A-1004", List.of("stapler"), 1299),
				StartOptions.defaults().userContext(Map.of("customer", "initech", "tier", "gold")))
			.id();
		UUID waiting = client.start("purchase_approval", new Order("P-77", List.of("espresso machine"), 89900),
				StartOptions.defaults().userContext(Map.of("customer", "acme"))).id();
		await().atMost(WAIT).until(() -> status(client, failed) == JobStatus.FAILED);
		await().atMost(WAIT).until(() -> client.get(waiting).orElseThrow().stepsCompleted() == 1);

		// Without credentials, the workflow filter chain refuses the page
		HttpResponse<String> anonymous = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(dashboard)).build(), BodyHandlers.ofString());
		assertThat(anonymous.statusCode()).isEqualTo(401);

		// Overview: counts by status and the last hour per workflow
		browser.get(dashboard);
		WebElement orders = waitFor(By.cssSelector("[data-testid=workflow-card][data-workflow=order_fulfilment]"));
		waitForText(orders, By.cssSelector("[data-testid=count-COMPLETED] .n"), "3");
		assertThat(orders.findElement(By.cssSelector("[data-testid=count-FAILED] .n")).getText()).isEqualTo("1");
		assertThat(orders.findElement(By.cssSelector("[data-testid=completed-last-hour] b")).getText()).isEqualTo("3");
		assertThat(orders.findElements(By.cssSelector("[data-testid=throughput-chart] .bar-completed"))).isNotEmpty();
		assertThat(orders.getText()).contains("reserve_stock → charge_card → ship_parcel");
		WebElement purchases = waitFor(By.cssSelector("[data-testid=workflow-card][data-workflow=purchase_approval]"));
		assertThat(purchases.findElement(By.cssSelector("[data-testid=count-RUNNING] .n")).getText()).isEqualTo("1");
		screenshot("01-overview");

		// Job list, newest first, with live refresh: a job started while the page is open appears by itself
		click(By.id("nav-jobs"));
		waitForRows(List.of(waiting, failed, acme2, globex, acme1));
		UUID latest = completedOrder(client, "A-1005", "globex");
		waitForRows(List.of(latest, waiting, failed, acme2, globex, acme1));
		screenshot("02-jobs");

		// Filter by workflow and status; the filters are in the URL
		new Select(browser.findElement(By.id("filter-workflow"))).selectByValue("order_fulfilment");
		new Select(browser.findElement(By.id("filter-status"))).selectByValue("FAILED");
		click(By.id("filter-apply"));
		waitForRows(List.of(failed));
		assertThat(browser.getCurrentUrl()).contains("workflow=order_fulfilment").contains("status=FAILED");
		screenshot("03-filtered-by-workflow-and-status");

		// Filter by a user context field; a link to the filtered list shows the same jobs
		click(By.id("filter-reset"));
		waitForRows(List.of(latest, waiting, failed, acme2, globex, acme1));
		browser.findElement(By.id("filter-context-field")).sendKeys("customer");
		browser.findElement(By.id("filter-context-value")).sendKeys("acme");
		click(By.id("filter-apply"));
		waitForRows(List.of(waiting, acme2, acme1));
		String link = browser.getCurrentUrl();
		assertThat(link).contains("userContext.customer=acme");
		browser.navigate().to("about:blank");
		browser.get(link);
		waitForRows(List.of(waiting, acme2, acme1));
		assertThat(browser.findElement(By.id("filter-context-field")).getDomProperty("value")).isEqualTo("customer");
		screenshot("04-filtered-by-user-context");

		// From the overview's failed count to the failed job's timeline: every attempt of every step
		click(By.cssSelector("[data-testid=brand]"));
		click(By.cssSelector("[data-workflow=order_fulfilment] [data-testid=count-FAILED]"));
		waitForRows(List.of(failed));
		click(By.cssSelector("[data-job-id='" + failed + "'] [data-testid=job-link]"));
		waitForText(By.cssSelector("[data-testid=job-status]"), "FAILED");
		assertThat(timeline()).containsExactly("reserve_stock 1 COMPLETED", "charge_card 1 FAILED",
				"charge_card 2 FAILED");
		assertThat(browser.findElement(By.cssSelector("[data-testid=job-error-message]")).getText())
			.isEqualTo("The card of customer initech was declined");
		assertThat(browser.findElement(By.id("action-cancel")).isDisplayed()).isFalse();
		WebElement export = browser.findElement(By.id("action-export"));
		assertThat(export.getDomAttribute("href")).endsWith("/jobs/" + failed);
		assertThat(export.getDomAttribute("download")).isEqualTo("job-" + failed + ".json");
		browser.findElement(By.cssSelector("[data-testid=timeline-item][data-step=reserve_stock] details summary"))
			.click();
		screenshot("05-failed-job");

		// Retry: confirm, and the job runs again from its failed step and completes
		ShopWorkflows.DECLINED.remove("initech");
		click(By.id("action-retry"));
		waitFor(By.cssSelector("[data-testid=confirm-dialog][open]"));
		screenshot("06-confirm-retry");
		click(By.id("confirm-yes"));
		waitForText(By.cssSelector("[data-testid=job-status]"), "COMPLETED");
		assertThat(timeline()).startsWith("reserve_stock 1 COMPLETED", "charge_card 1 FAILED", "charge_card 2 FAILED")
			.contains("ship_parcel 1 COMPLETED");
		assertThat(browser.findElement(By.id("notice")).getText()).contains("Retry started");
		assertThat(status(client, failed)).isEqualTo(JobStatus.COMPLETED);
		screenshot("07-retried");

		// Cancel the purchase that waits for its approval
		click(By.id("nav-jobs"));
		click(By.cssSelector("[data-job-id='" + waiting + "'] [data-testid=job-link]"));
		waitForText(By.cssSelector("[data-testid=job-status]"), "RUNNING");
		assertThat(timeline()).containsExactly("price 1 COMPLETED", "workflow.event 1 SCHEDULED");
		click(By.id("action-cancel"));
		waitFor(By.cssSelector("[data-testid=confirm-dialog][open]"));
		click(By.id("confirm-yes"));
		waitForText(By.cssSelector("[data-testid=job-status]"), "CANCELLED");
		assertThat(browser.findElement(By.id("action-cancel")).isDisplayed()).isFalse();
		assertThat(status(client, waiting)).isEqualTo(JobStatus.CANCELLED);
		screenshot("08-cancelled");

		assertThat(browserErrors()).as("errors in the browser's console").isEmpty();
	}

	@Test
	@org.junit.jupiter.api.Order(2)
	void whenAnOperatorManagesSchedulesAndPausesAWorkflowThenTheDashboardShowsEachChange() throws Exception {
		WorkflowClient client = application.getBean(WorkflowClient.class);
		WorkflowSchedules schedules = application.getBean(WorkflowSchedules.class);
		schedules.save(ScheduleRequest.of("nightly-restock", "order_fulfilment", "0 0 2 * * *")
			.zone(ZoneId.of("Europe/Paris"))
			.input(new Order("R-1", List.of("paper"), 990)));
		schedules.save(ScheduleRequest.of("hourly-approvals", "purchase_approval", "@hourly")
			.input(new Order("P-1", List.of("desk"), 25000)));

		// Schedules, by name, with their next fire times
		click(By.id("nav-schedules"));
		WebElement restock = waitFor(By.cssSelector("[data-testid=schedule-row][data-schedule=nightly-restock]"));
		assertThat(restock.getText()).contains("order_fulfilment").contains("0 0 2 * * *").contains("Europe/Paris");
		waitForText(By.cssSelector("[data-schedule=nightly-restock] [data-testid=schedule-state]"), "active");
		assertThat(read("[data-testid=schedule-row]", "row.dataset.schedule")).containsExactly("hourly-approvals",
				"nightly-restock");
		screenshot("09-schedules");

		// Pause a schedule: confirm, and it shows paused
		click(By.cssSelector("[data-schedule=nightly-restock] [data-testid=schedule-pause]"));
		waitFor(By.cssSelector("[data-testid=confirm-dialog][open]"));
		click(By.id("confirm-yes"));
		waitForText(By.cssSelector("[data-schedule=nightly-restock] [data-testid=schedule-state]"), "paused");
		assertThat(schedules.find("nightly-restock").orElseThrow().paused()).isTrue();
		screenshot("10-schedule-paused");

		// Run it now, paused as it is: one job starts, and the schedule links to it
		click(By.cssSelector("[data-schedule=nightly-restock] [data-testid=schedule-trigger]"));
		waitFor(By.cssSelector("[data-testid=confirm-dialog][open]"));
		click(By.id("confirm-yes"));
		waitFor(By.cssSelector("[data-schedule=nightly-restock] [data-testid=schedule-last-job]"));
		UUID triggered = schedules.find("nightly-restock").orElseThrow().lastJobId();
		assertThat(browser.findElement(By.id("notice")).getText()).contains("Job started").contains(triggered.toString());
		await().atMost(WAIT).until(() -> status(client, triggered) == JobStatus.COMPLETED);

		// Pause a workflow from its card: it shows paused until resumed
		click(By.cssSelector("[data-testid=brand]"));
		click(By.cssSelector("[data-workflow=order_fulfilment] [data-testid=workflow-pause]"));
		waitFor(By.cssSelector("[data-testid=confirm-dialog][open]"));
		screenshot("11-confirm-pause-workflow");
		click(By.id("confirm-yes"));
		waitFor(By.cssSelector("[data-workflow=order_fulfilment] [data-testid=paused-badge]"));
		assertThat(client.summaries()).filteredOn((summary) -> summary.name().equals("order_fulfilment"))
			.singleElement()
			.satisfies((summary) -> assertThat(summary.paused()).isTrue());
		UUID held = client.start("order_fulfilment", new Order("A-2001", List.of("ink"), 1500)).id();
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(5))
			.until(() -> client.history(held).stream().noneMatch((step) -> step.startedAt() != null));
		screenshot("12-workflow-paused");
		click(By.cssSelector("[data-workflow=order_fulfilment] [data-testid=workflow-resume]"));
		waitFor(By.cssSelector("[data-testid=confirm-dialog][open]"));
		click(By.id("confirm-yes"));
		waitFor(By.cssSelector("[data-workflow=order_fulfilment] [data-testid=workflow-pause]"));
		await().atMost(WAIT).until(() -> status(client, held) == JobStatus.COMPLETED);

		// Delete a schedule saved at run time
		click(By.id("nav-schedules"));
		click(By.cssSelector("[data-schedule=hourly-approvals] [data-testid=schedule-delete]"));
		waitFor(By.cssSelector("[data-testid=confirm-dialog][open]"));
		click(By.id("confirm-yes"));
		waiting().until((driver) -> read("[data-testid=schedule-row]", "row.dataset.schedule")
			.equals(List.of("nightly-restock")));
		assertThat(schedules.find("hourly-approvals")).isEmpty();
		screenshot("13-schedule-deleted");

		assertThat(browserErrors()).as("errors in the browser's console").isEmpty();
	}

	@Test
	@org.junit.jupiter.api.Order(3)
	void whenAnOperatorRetriesTheFailedJobsOfACustomerInBulkThenExactlyThoseRunAgain() throws Exception {
		WorkflowClient client = application.getBean(WorkflowClient.class);
		ShopWorkflows.DECLINED.add("umbrella");
		List<UUID> failed = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			failed.add(client.start("order_fulfilment", new Order("U-" + i, List.of("umbrella"), 1000 + i),
					StartOptions.defaults().userContext(Map.of("customer", "umbrella"))).id());
		}
		for (UUID id : failed) {
			await().atMost(WAIT).until(() -> status(client, id) == JobStatus.FAILED);
		}
		ShopWorkflows.DECLINED.remove("umbrella");

		// The failed jobs of one customer, as the filters select them; the bulk action counts them first
		browser.get(dashboard + "#/jobs?status=FAILED&userContext.customer=umbrella");
		waitForRows(List.of(failed.get(2), failed.get(1), failed.get(0)));
		new Select(browser.findElement(By.id("bulk-action"))).selectByValue("retry");
		click(By.id("bulk-run"));
		waitFor(By.cssSelector("[data-testid=confirm-dialog][open]"));
		assertThat(browser.findElement(By.id("confirm-title")).getText())
			.isEqualTo("Retry the FAILED jobs among 3 matching jobs?");
		screenshot("14-confirm-bulk-retry");
		click(By.id("confirm-yes"));
		waitForText(By.cssSelector("#notice strong"), "Retried 3 of 3 jobs");
		for (UUID id : failed) {
			await().atMost(WAIT).until(() -> status(client, id) == JobStatus.COMPLETED);
		}

		// Each job's page says who retried it, and when
		browser.get(dashboard + "#/jobs/" + failed.get(0));
		waitForText(By.cssSelector("[data-testid=job-status]"), "COMPLETED");
		assertThat(browser.findElement(By.cssSelector("[data-testid=job-action]")).getText())
			.startsWith("retry by " + OPERATOR);
		screenshot("15-bulk-retried-job");
		assertThat(browserErrors()).as("errors in the browser's console").isEmpty();
	}

	private static UUID completedOrder(WorkflowClient client, String orderId, String customer) {
		UUID id = client.start("order_fulfilment", new Order(orderId, List.of("paper", "toner"), 4250),
				StartOptions.defaults().userContext(Map.of("customer", customer)))
			.id();
		await().atMost(WAIT).until(() -> status(client, id) == JobStatus.COMPLETED);
		return id;
	}

	private static JobStatus status(WorkflowClient client, UUID id) {
		return client.get(id).orElseThrow().status();
	}

	private static WebDriverWait waiting() {
		WebDriverWait wait = new WebDriverWait(browser, WAIT);
		wait.ignoring(StaleElementReferenceException.class);
		return wait;
	}

	private WebElement waitFor(By locator) {
		return waiting().until(ExpectedConditions.visibilityOfElementLocated(locator));
	}

	/** Clicks an element once it can be clicked, again if live refresh replaced it in between. */
	private void click(By locator) {
		waiting().until((driver) -> {
			WebElement element = ExpectedConditions.elementToBeClickable(locator).apply(driver);
			if (element == null) {
				return false;
			}
			element.click();
			return true;
		});
	}

	private void waitForText(By locator, String text) {
		waiting().until(ExpectedConditions.textToBe(locator, text));
	}

	private void waitForText(WebElement parent, By locator, String text) {
		waiting()
			.until((driver) -> text.equals(parent.findElement(locator).getText()));
	}

	/** Waits until the list shows exactly these jobs, in this order. */
	private void waitForRows(List<UUID> jobs) {
		List<String> expected = jobs.stream().map(UUID::toString).toList();
		waiting().withMessage(() -> "rows " + rows() + ", expected " + expected)
			.until((driver) -> rows().equals(expected));
	}

	/** The ids of the listed jobs, read in one go: live refresh may replace the rows at any time. */
	private List<String> rows() {
		return read("#view-jobs:not([hidden]) [data-testid=job-row]", "row.dataset.jobId");
	}

	/** Each step execution in the timeline as "step attempt status". */
	private List<String> timeline() {
		return read("[data-testid=timeline-item]",
				"row.dataset.step + ' ' + row.dataset.attempt + ' ' + row.dataset.status");
	}

	@SuppressWarnings("unchecked")
	private List<String> read(String selector, String expression) {
		return (List<String>) browser.executeScript("return Array.from(document.querySelectorAll(arguments[0]))"
				+ ".map((row) => " + expression + ")", selector);
	}

	private List<String> browserErrors() {
		return browser.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter((entry) -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
			.map(LogEntry::getMessage)
			.toList();
	}

	/** Saves the whole page, below the window's height too, as {@code name}.png; with a dialog open, the window. */
	private static void screenshot(String name) throws IOException {
		if (!browser.findElements(By.cssSelector("dialog[open]")).isEmpty()) {
			Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
			return;
		}
		Map<String, Object> metrics = browser.executeCdpCommand("Page.getLayoutMetrics", Map.of());
		@SuppressWarnings("unchecked")
		Map<String, Number> content = (Map<String, Number>) metrics.get("cssContentSize");
		Map<String, Object> screenshot = browser.executeCdpCommand("Page.captureScreenshot",
				Map.of("format", "png", "captureBeyondViewport", true, "clip",
						Map.of("x", 0, "y", 0, "width", content.get("width"), "height", content.get("height"),
								"scale", 1)));
		Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode((String) screenshot.get("data")));
	}

	/**
	 * The application under test: the starter's auto-configuration and the shop's workflows.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ ShopWorkflows.OrderFulfilment.class, ShopWorkflows.PurchaseApproval.class,
			ShopWorkflows.PurchaseSteps.class })
	static class DashboardApplication {

	}

}

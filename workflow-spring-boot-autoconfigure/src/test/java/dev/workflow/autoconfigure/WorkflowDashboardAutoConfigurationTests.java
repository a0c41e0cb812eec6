package dev.workflow.autoconfigure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.workflow.web.WorkflowDashboard;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.DefaultCsrfToken;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's auto-configuration and what it serves, in a Spring MVC application without the engine: the page
 * needs nothing but its properties.
 */
class WorkflowDashboardAutoConfigurationTests {

	private static final Pattern SCRIPT = Pattern.compile("<script src=\"([^\"]+/dashboard\\.js)\"");

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class,
				WorkflowDashboardAutoConfiguration.class))
		.withPropertyValues("workflow.api.enabled=true");

	@Test
	void whenTheDashboardIsNotEnabledThenNothingIsServed() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(WorkflowDashboard.class);
			assertThat(mvc(context).get().uri("/workflow")).hasStatus(404);
		});
	}

	@Test
	void whenEnabledThenThePageIsServedAtTheDefaultPathWithTheApiPathAndWithoutCaching() {
		this.runner.withPropertyValues("workflow.dashboard.enabled=true").run((context) -> {
			MockMvcTester mvc = mvc(context);
			for (String path : new String[] { "/workflow", "/workflow/" }) {
				MvcTestResult page = mvc.get().uri(path).exchange();
				assertThat(page).hasStatusOk().hasContentTypeCompatibleWith(MediaType.TEXT_HTML);
				assertThat(page).headers()
					.hasValue("Cache-Control", "no-store")
					.containsHeader("Content-Security-Policy");
				assertThat(page).bodyText()
					.contains("<meta name=\"workflow-api\" content=\"/workflow/api\">")
					.contains("<meta name=\"workflow-refresh-interval\" content=\"5000\">")
					.contains("<meta name=\"_csrf\" content=\"\">")
					.doesNotContain("{{");
			}
		});
	}

	@Test
	void whenEnabledThenTheAssetsAreServedUnderAVersionedPathAndCachedForAYear() {
		this.runner.withPropertyValues("workflow.dashboard.enabled=true").run((context) -> {
			MockMvcTester mvc = mvc(context);
			String script = assetPath(mvc.get().uri("/workflow").exchange());
			assertThat(script).matches("/workflow/assets/[0-9a-f]{12}/dashboard\\.js");

			MvcTestResult asset = mvc.get().uri(script).exchange();
			assertThat(asset).hasStatusOk();
			assertThat(asset).headers().hasValue("Cache-Control", "max-age=31536000, public, immutable");
			assertThat(asset).bodyText().contains("'use strict'");
			assertThat(mvc.get().uri(script.replace("dashboard.js", "dashboard.css"))).hasStatusOk()
				.hasContentTypeCompatibleWith("text/css");
			assertThat(mvc.get().uri("/workflow/assets/index.html")).hasStatus(404);
		});
	}

	@Test
	void whenPathsAndRefreshIntervalAreConfiguredThenThePageIsServedThereAndCallsTheApiThere() {
		this.runner
			.withPropertyValues("workflow.dashboard.enabled=true", "workflow.dashboard.path=/ops/jobs",
					"workflow.dashboard.refresh-interval=2s", "workflow.api.base-path=/ops/api")
			.run((context) -> {
				MockMvcTester mvc = mvc(context);
				MvcTestResult page = mvc.get().uri("/ops/jobs").exchange();
				assertThat(page).hasStatusOk();
				assertThat(page).bodyText()
					.contains("<meta name=\"workflow-api\" content=\"/ops/api\">")
					.contains("<meta name=\"workflow-refresh-interval\" content=\"2000\">");
				assertThat(mvc.get().uri(assetPath(page))).hasStatusOk();
				assertThat(mvc.get().uri("/workflow")).hasStatus(404);
			});
	}

	@Test
	void whenSpringSecurityPutACsrfTokenInTheRequestThenThePageCarriesItEscaped() {
		this.runner.withPropertyValues("workflow.dashboard.enabled=true").run((context) -> {
			CsrfToken token = new DefaultCsrfToken("X-CSRF-TOKEN", "_csrf", "t0k\"><script>alert(1)</script>");
			assertThat(mvc(context).get().uri("/workflow").requestAttr(CsrfToken.class.getName(), token))
				.hasStatusOk()
				.bodyText()
				.contains("<meta name=\"_csrf\" content=\"t0k&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">")
				.contains("<meta name=\"_csrf_header\" content=\"X-CSRF-TOKEN\">")
				.doesNotContain("<script>alert");
		});
	}

	@Test
	void whenTheDashboardIsEnabledWithoutTheApiThenTheStartFailsSayingSo() {
		this.runner.withPropertyValues("workflow.dashboard.enabled=true", "workflow.api.enabled=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("workflow.dashboard.enabled")
				.hasMessageContaining("Set workflow.api.enabled=true too"));
	}

	@Test
	void whenThePathDoesNotStartWithASlashThenTheStartFailsSayingSo() {
		this.runner.withPropertyValues("workflow.dashboard.enabled=true", "workflow.dashboard.path=workflow")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("workflow.dashboard.path")
				.hasMessageContaining("must start with '/'"));
	}

	@Test
	void whenTheApplicationIsNotAWebApplicationThenThereIsNoDashboard() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WorkflowDashboardAutoConfiguration.class))
			.withPropertyValues("workflow.dashboard.enabled=true", "workflow.api.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(WorkflowDashboard.class));
	}

	private static MockMvcTester mvc(WebApplicationContext context) {
		return MockMvcTester.from(context);
	}

	private static String assetPath(MvcTestResult page) throws Exception {
		Matcher script = SCRIPT.matcher(page.getResponse().getContentAsString());
		assertThat(script.find()).as("the page links its script").isTrue();
		return script.group(1);
	}

}

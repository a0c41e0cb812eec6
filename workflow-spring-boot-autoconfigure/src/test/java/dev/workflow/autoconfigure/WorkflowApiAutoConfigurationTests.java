package dev.workflow.autoconfigure;

import dev.workflow.web.WorkflowApiController;
import dev.workflow.web.WorkflowApiExceptionHandler;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the REST API is served and secured, and what stops a start with a path or role it cannot use, or with no
 * security at all.
 */
class WorkflowApiAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WorkflowApiAutoConfiguration.class))
		.withUserConfiguration(WorkflowAutoConfigurationTests.CustomClientConfiguration.class,
				PropertiesConfiguration.class);

	@Test
	void whenNothingIsConfiguredThenThereIsNoApi() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(WorkflowApiController.class));
	}

	@Test
	void whenTheApiIsEnabledThenItIsServedWithItsProblemDetails() {
		this.runner.withPropertyValues("workflow.api.enabled=true", "workflow.api.allow-unauthenticated=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(WorkflowApiController.class);
				assertThat(context).hasSingleBean(WorkflowApiExceptionHandler.class);
			});
	}

	@Test
	void whenTheApplicationIsNotAWebApplicationThenThereIsNoApi() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(WorkflowApiAutoConfiguration.class))
			.withUserConfiguration(WorkflowAutoConfigurationTests.CustomClientConfiguration.class,
					PropertiesConfiguration.class)
			.withPropertyValues("workflow.api.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(WorkflowApiController.class));
	}

	@Test
	void whenSpringSecurityIsAbsentThenTheStartFailsSayingHowToSecureTheApiOrAllowIt() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
			.withPropertyValues("workflow.api.enabled=true")
			.run((context) -> {
				assertThat(context).getFailure()
					.rootCause()
					.isInstanceOf(UnsecuredApiException.class)
					.hasMessageContaining("would let anyone start, cancel and retry jobs at /workflow/api")
					.hasMessageContaining("spring-boot-starter-security")
					.hasMessageContaining("workflow.api.allow-unauthenticated=true");
				FailureAnalysis analysis = new UnsecuredApiFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("workflow.api.enabled=true")
					.contains("no Spring Security filter chain");
				assertThat(analysis.getAction()).contains("spring-boot-starter-security")
					.contains("WORKFLOW_READ")
					.contains("workflow.api.allow-unauthenticated=true");
			});
	}

	@Test
	void whenSpringSecurityIsAbsentAndUnauthenticatedAccessIsAllowedThenTheApiIsServed() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
			.withPropertyValues("workflow.api.enabled=true", "workflow.api.allow-unauthenticated=true")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(WorkflowApiController.class));
	}

	@Test
	void whenTheApplicationSecuresTheWorkflowPathsItselfThenTheApiIsServedBehindItsChain() {
		this.runner
			.withConfiguration(AutoConfigurations.of(WorkflowSecurityAutoConfiguration.class,
					SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class))
			.withPropertyValues("workflow.api.enabled=true", "workflow.security.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(WorkflowApiController.class)
				.hasBean("springSecurityFilterChain")
				.doesNotHaveBean("workflowSecurityFilterChain"));
	}

	@Test
	void whenTheBasePathIsNotAPathThenTheStartFailsSayingSo() {
		this.runner
			.withPropertyValues("workflow.api.enabled=true", "workflow.api.allow-unauthenticated=true",
					"workflow.api.base-path=workflow/api/")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("workflow.api.base-path")
				.hasMessageContaining("must start with '/'"));
	}

	@Test
	void whenSpringSecurityIsPresentThenTheApiHasAChainOfItsOwnUnlessSwitchedOff() {
		WebApplicationContextRunner secured = this.runner
			.withConfiguration(AutoConfigurations.of(WorkflowSecurityAutoConfiguration.class,
					SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class))
			.withPropertyValues("workflow.api.enabled=true");
		secured.run((context) -> assertThat(context).hasBean("workflowSecurityFilterChain"));
		secured.withPropertyValues("workflow.security.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("workflowSecurityFilterChain"));
		secured.withPropertyValues("workflow.security.act-role=ROLE_ADMIN")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("workflow.security.act-role")
				.hasMessageContaining("without the ROLE_ prefix"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(WorkflowProperties.class)
	static class PropertiesConfiguration {

	}

}

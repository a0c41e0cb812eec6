package dev.workflow.autoconfigure;

import dev.workflow.web.WorkflowDashboard;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Auto-configuration of the web dashboard, when {@code workflow.dashboard.enabled=true} in a servlet web application
 * with Spring MVC. The dashboard runs in the browser on the REST API, so enabling it without the API fails the start.
 */
@AutoConfiguration(after = WorkflowAutoConfiguration.class,
		afterName = "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBooleanProperty(name = "workflow.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty("workflow.dashboard.enabled")
@EnableConfigurationProperties(WorkflowProperties.class)
public final class WorkflowDashboardAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WorkflowDashboard workflowDashboard(WorkflowProperties properties) {
		WorkflowProperties.Dashboard dashboard = properties.getDashboard();
		if (!properties.getApi().isEnabled()) {
			throw new InvalidConfigurationPropertyValueException("workflow.dashboard.enabled", true,
					"The dashboard shows and acts on jobs through the REST API, which is off. Set "
							+ "workflow.api.enabled=true too, or leave the dashboard off.");
		}
		WorkflowApiAutoConfiguration.checkPath("workflow.dashboard.path", dashboard.getPath());
		if (dashboard.getRefreshInterval().isNegative() || dashboard.getRefreshInterval().isZero()) {
			throw new InvalidConfigurationPropertyValueException("workflow.dashboard.refresh-interval",
					dashboard.getRefreshInterval(), "The refresh interval must be positive, for example 5s.");
		}
		return new WorkflowDashboard(dashboard.getPath(), properties.getApi().getBasePath(),
				dashboard.getRefreshInterval());
	}

	@Bean
	RouterFunction<ServerResponse> workflowDashboardRoutes(WorkflowDashboard dashboard) {
		return dashboard.routes();
	}

}

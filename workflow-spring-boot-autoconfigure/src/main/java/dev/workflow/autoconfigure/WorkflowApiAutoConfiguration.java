package dev.workflow.autoconfigure;

import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowSchedules;
import dev.workflow.web.WorkflowApiController;
import dev.workflow.web.WorkflowApiExceptionHandler;
import dev.workflow.web.WorkflowBulkApiController;
import dev.workflow.web.WorkflowScheduleApiController;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The REST API, when {@code workflow.api.enabled} is {@code true} in a servlet web application. It is served only
 * behind a Spring Security filter chain, unless {@code workflow.api.allow-unauthenticated} is {@code true}: a start
 * without one fails, saying how to secure the API or allow it.
 */
@AutoConfiguration(after = WorkflowAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBooleanProperty("workflow.api.enabled")
@ConditionalOnBean(WorkflowClient.class)
public final class WorkflowApiAutoConfiguration {

	private static final Log logger = LogFactory.getLog(WorkflowApiAutoConfiguration.class);

	/**
	 * The bean of Spring Security's filters, which {@code @EnableWebSecurity} (Spring Boot's or the application's)
	 * registers under this name.
	 */
	private static final String SECURITY_FILTER_CHAIN = "springSecurityFilterChain";

	@Bean
	WorkflowApiController workflowApiController(WorkflowClient client, WorkflowProperties properties,
			BeanFactory beanFactory) {
		checkPath("workflow.api.base-path", properties.getApi().getBasePath());
		checkSecured(properties, beanFactory);
		return new WorkflowApiController(client);
	}

	@Bean
	WorkflowBulkApiController workflowBulkApiController(WorkflowClient client) {
		return new WorkflowBulkApiController(client);
	}

	@Bean
	@ConditionalOnBean(WorkflowSchedules.class)
	WorkflowScheduleApiController workflowScheduleApiController(WorkflowSchedules schedules, WorkflowClient client) {
		return new WorkflowScheduleApiController(schedules, client);
	}

	@Bean
	WorkflowApiExceptionHandler workflowApiExceptionHandler() {
		return new WorkflowApiExceptionHandler();
	}

	/**
	 * Refuses an API that nothing authenticates, unless the configuration allows it, and then says so in the log.
	 */
	private static void checkSecured(WorkflowProperties properties, BeanFactory beanFactory) {
		if (beanFactory.containsBean(SECURITY_FILTER_CHAIN)) {
			return;
		}
		if (!properties.getApi().isAllowUnauthenticated()) {
			throw new UnsecuredApiException(properties);
		}
		logger.warn("The workflow REST API at " + properties.getApi().getBasePath() + " is served without "
				+ "authentication (workflow.api.allow-unauthenticated=true): anyone who reaches it can start, cancel "
				+ "and retry jobs");
	}

	/**
	 * Checks a path property: a slash, then segments of URL-safe characters, no slash at the end.
	 * @param property the property's name
	 * @param path its value
	 */
	static void checkPath(String property, String path) {
		if (!path.matches("(/[A-Za-z0-9._~-]+)+")) {
			throw new InvalidConfigurationPropertyValueException(property, path,
					"A path must start with '/', have segments of letters, digits, '.', '_', '~' and '-', "
							+ "and not end with '/'; for example /workflow/api");
		}
	}

}

package dev.workflow.autoconfigure;

import dev.workflow.api.WorkflowClient;
import dev.workflow.web.WorkflowApiController;
import dev.workflow.web.WorkflowApiExceptionHandler;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The REST API, when {@code workflow.api.enabled} is {@code true} in a servlet web application.
 */
@AutoConfiguration(after = WorkflowAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBooleanProperty("workflow.api.enabled")
@ConditionalOnBean(WorkflowClient.class)
public final class WorkflowApiAutoConfiguration {

	@Bean
	WorkflowApiController workflowApiController(WorkflowClient client, WorkflowProperties properties) {
		checkPath("workflow.api.base-path", properties.getApi().getBasePath());
		return new WorkflowApiController(client);
	}

	@Bean
	WorkflowApiExceptionHandler workflowApiExceptionHandler() {
		return new WorkflowApiExceptionHandler();
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

package dev.workflow.autoconfigure;

import dev.workflow.web.WorkflowApiController;
import dev.workflow.web.WorkflowSecurity;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A security filter chain of its own for the REST API and the dashboard, when the application has Spring Security
 * and serves them, unless {@code workflow.security.enabled} is {@code false}. It matches the workflow paths only
 * and comes first for them; an application that relies on Boot's default chain keeps it for everything else.
 */
@AutoConfiguration(after = WorkflowApiAutoConfiguration.class,
		afterName = { "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ SecurityFilterChain.class, HttpSecurity.class })
@ConditionalOnBean({ HttpSecurity.class, WorkflowApiController.class })
@ConditionalOnBooleanProperty(name = "workflow.security.enabled", matchIfMissing = true)
public final class WorkflowSecurityAutoConfiguration {

	/**
	 * Early: the chain matches the workflow paths only, and an application chain for any request ordered before it
	 * would make it unreachable, which Spring Security refuses at start-up.
	 */
	private static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	@Bean
	@Order(ORDER)
	SecurityFilterChain workflowSecurityFilterChain(HttpSecurity http, WorkflowProperties properties)
			throws Exception {
		WorkflowProperties.Security security = properties.getSecurity();
		checkRole("workflow.security.read-role", security.getReadRole());
		checkRole("workflow.security.act-role", security.getActRole());
		return WorkflowSecurity.filterChain(http, properties.getApi().getBasePath(),
				properties.getDashboard().isEnabled() ? properties.getDashboard().getPath() : null,
				security.getReadRole(), security.getActRole());
	}

	private static void checkRole(String property, String role) {
		if (!role.matches("[A-Za-z0-9_.-]+") || role.startsWith("ROLE_")) {
			throw new InvalidConfigurationPropertyValueException(property, role,
					"A role is a name of letters, digits, '_', '.' and '-', without the ROLE_ prefix");
		}
	}

}

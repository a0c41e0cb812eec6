package dev.workflow.autoconfigure;

import java.util.ArrayList;
import java.util.List;

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
 * and serves them, unless {@code workflow.security.enabled} is {@code false}. It comes after Spring Boot's web
 * security, so an application that relies on Boot's default chain keeps it for everything else, and it takes
 * precedence over the chains of the application for the workflow paths only.
 */
@AutoConfiguration(after = WorkflowApiAutoConfiguration.class,
		afterName = { "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ SecurityFilterChain.class, HttpSecurity.class })
@ConditionalOnBean(HttpSecurity.class)
@ConditionalOnBooleanProperty("workflow.api.enabled")
@ConditionalOnBooleanProperty(name = "workflow.security.enabled", matchIfMissing = true)
public final class WorkflowSecurityAutoConfiguration {

	/** Before the chains of applications, which are ordered last unless they say otherwise. */
	private static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	@Bean
	@Order(ORDER)
	SecurityFilterChain workflowSecurityFilterChain(HttpSecurity http, WorkflowProperties properties)
			throws Exception {
		WorkflowProperties.Security security = properties.getSecurity();
		checkRole("workflow.security.read-role", security.getReadRole());
		checkRole("workflow.security.act-role", security.getActRole());
		List<String> paths = new ArrayList<>();
		paths.add(properties.getApi().getBasePath());
		if (properties.getDashboard().isEnabled()) {
			paths.add(properties.getDashboard().getPath());
		}
		return WorkflowSecurity.filterChain(http, paths, security.getReadRole(), security.getActRole());
	}

	private static void checkRole(String property, String role) {
		if (!role.matches("[A-Za-z0-9_.-]+") || role.startsWith("ROLE_")) {
			throw new InvalidConfigurationPropertyValueException(property, role,
					"A role is a name of letters, digits, '_', '.' and '-', without the ROLE_ prefix");
		}
	}

}

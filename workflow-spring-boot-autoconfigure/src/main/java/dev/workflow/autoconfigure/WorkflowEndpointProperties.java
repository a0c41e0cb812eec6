package dev.workflow.autoconfigure;

import java.util.HashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@code workflows} Actuator endpoint.
 */
@ConfigurationProperties("management.endpoint.workflows")
public class WorkflowEndpointProperties {

	/**
	 * When to show the values of a job's user context unmasked: never, when-authorized or always.
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles that see unmasked values when show-values is when-authorized; empty for any authenticated user.
	 */
	private Set<String> roles = new HashSet<>();

	public Show getShowValues() {
		return this.showValues;
	}

	public void setShowValues(Show showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

	public void setRoles(Set<String> roles) {
		this.roles = roles;
	}

}

package dev.workflow.autoconfigure;

/**
 * Thrown at start-up when the REST API would be served with no Spring Security filter chain in front of it and
 * {@code workflow.api.allow-unauthenticated} does not allow that; {@link UnsecuredApiFailureAnalyzer} reports it.
 */
class UnsecuredApiException extends RuntimeException {

	private final String description;

	private final String action;

	UnsecuredApiException(WorkflowProperties properties) {
		this(description(properties.getApi().getBasePath()), action(properties.getSecurity()));
	}

	private UnsecuredApiException(String description, String action) {
		super(description + " " + action);
		this.description = description;
		this.action = action;
	}

	String getDescription() {
		return this.description;
	}

	String getAction() {
		return this.action;
	}

	private static String description(String basePath) {
		return "The workflow REST API (workflow.api.enabled=true) would let anyone start, cancel and retry jobs at "
				+ basePath + ": the application has no Spring Security filter chain.";
	}

	private static String action(WorkflowProperties.Security security) {
		return "Secure it with Spring Security: add spring-boot-starter-security (or, where it is present, let Spring "
				+ "Boot's web security or an @EnableWebSecurity configuration of yours apply); the API and the "
				+ "dashboard then get a filter chain of their own, with HTTP Basic, role " + security.getReadRole()
				+ " to read and role " + security.getActRole() + " to act (workflow.security.*). Or allow it "
				+ "explicitly with workflow.api.allow-unauthenticated=true, for a local demo or behind a gateway that "
				+ "authenticates every request. Or switch the API off with workflow.api.enabled=false.";
	}

}

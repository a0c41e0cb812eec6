package dev.workflow.test;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application the integration tests start: the starter's auto-configuration and nothing else of its own.
 */
@SpringBootApplication
public class TestApplication {

	/**
	 * Spring Security is on the tests' class path; a test that looks at the REST API or the Actuator endpoints alone
	 * (see the security tests) excludes these, so that Spring Security's filters are off: the application's and the
	 * management endpoints'.
	 */
	public static final String WITHOUT_WEB_SECURITY = "org.springframework.boot.security.autoconfigure.web.servlet."
			+ "ServletWebSecurityAutoConfiguration,org.springframework.boot.security.autoconfigure.actuate.web.servlet."
			+ "ManagementWebSecurityAutoConfiguration";

}

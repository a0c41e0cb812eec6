package dev.workflow.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CsrfException;

/**
 * The security of the REST API and the dashboard: every request authenticated (HTTP Basic), reading for the read
 * role or the act role, everything else for the act role only, and CSRF protection of every action. The CSRF token
 * travels as browsers' single-page applications expect: in the {@code XSRF-TOKEN} cookie, sent back in the
 * {@code X-XSRF-TOKEN} header. Refusals are problem details, like the API's other errors.
 */
public final class WorkflowSecurity {

	private static final JsonMapper json = JsonMapper.builder().build();

	private WorkflowSecurity() {
	}

	/**
	 * Builds the filter chain for the workflow paths: the API's, and the dashboard's page and assets, nothing else of
	 * the application.
	 * @param http the builder
	 * @param apiPath the API's base path
	 * @param dashboardPath the dashboard's path, if it is served
	 * @param readRole the role that may read (without {@code ROLE_})
	 * @param actRole the role that may also act (without {@code ROLE_})
	 * @return the filter chain
	 * @throws Exception if the builder fails
	 */
	public static SecurityFilterChain filterChain(HttpSecurity http, String apiPath, @Nullable String dashboardPath,
			String readRole, String actRole) throws Exception {
		List<String> patterns = new ArrayList<>(List.of(apiPath, apiPath + "/**"));
		if (dashboardPath != null) {
			patterns.addAll(List.of(dashboardPath, dashboardPath + "/", dashboardPath + "/assets/**"));
		}
		return http.securityMatcher(patterns.toArray(String[]::new))
			.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.GET)
				.hasAnyRole(readRole, actRole)
				.requestMatchers(HttpMethod.HEAD)
				.hasAnyRole(readRole, actRole)
				.anyRequest()
				.hasRole(actRole))
			.httpBasic((basic) -> basic.authenticationEntryPoint((request, response, ex) -> refuse(request, response,
					HttpStatus.UNAUTHORIZED, "unauthenticated", "Authentication required",
					"Sign in with a user that has role " + readRole + " or " + actRole)))
			.exceptionHandling((exceptions) -> exceptions.accessDeniedHandler((request, response, ex) -> {
				if (ex instanceof CsrfException) {
					refuse(request, response, HttpStatus.FORBIDDEN, "csrf", "CSRF token missing or invalid",
							"Send the XSRF-TOKEN cookie's value in the X-XSRF-TOKEN header");
				}
				else {
					refuse(request, response, HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
							(HttpMethod.GET.matches(request.getMethod()) ? "Reading needs role " + readRole + " or "
									: "Acting needs role ") + actRole);
				}
			}))
			.csrf((csrf) -> csrf.spa())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.build();
	}

	private static void refuse(HttpServletRequest request, HttpServletResponse response, HttpStatus status,
			String type, String title, String detail) throws IOException {
		if (status == HttpStatus.UNAUTHORIZED) {
			response.setHeader("WWW-Authenticate", "Basic realm=\"workflow\"");
		}
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8);
		ProblemDetail problem = WorkflowApiExceptionHandler.problem(status, type, title, detail, request);
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("type", problem.getType().toString());
		fields.put("title", problem.getTitle());
		fields.put("status", problem.getStatus());
		fields.put("detail", problem.getDetail());
		fields.put("instance", String.valueOf(problem.getInstance()));
		json.writeValue(response.getWriter(), fields);
	}

}

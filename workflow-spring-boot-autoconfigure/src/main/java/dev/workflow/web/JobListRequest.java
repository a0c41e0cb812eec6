package dev.workflow.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.workflow.api.JobQuery;
import dev.workflow.api.JobStatus;
import dev.workflow.web.ApiValidationException.InvalidParameter;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.MultiValueMap;

/**
 * The parameters of a job list request, validated all at once: filters, and a page.
 *
 * @param query the query, for one more job than the page holds, to tell whether another page follows
 * @param page the page, from 0
 * @param size the jobs on a page
 */
record JobListRequest(JobQuery query, int page, int size) {

	/** The most jobs on one page. */
	static final int MAX_SIZE = 200;

	/** Prefix of the parameters that filter on a field of the user context. */
	static final String USER_CONTEXT_PREFIX = "userContext.";

	private static final Set<String> PARAMETERS = Set.of("workflow", "status", "createdAfter", "createdBefore",
			"page", "size");

	/**
	 * Reads and validates the parameters.
	 * @param parameters the request's parameters
	 * @param json reads user context values that are JSON literals
	 * @return the request
	 * @throws ApiValidationException naming every parameter that cannot be used
	 */
	static JobListRequest of(MultiValueMap<String, String> parameters, JsonMapper json) {
		List<InvalidParameter> errors = new ArrayList<>();
		Map<String, Object> userContext = new LinkedHashMap<>();
		for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
			String name = parameter.getKey();
			if (parameter.getValue().size() > 1) {
				errors.add(new InvalidParameter(name, "given more than once"));
			}
			else if (name.startsWith(USER_CONTEXT_PREFIX)) {
				String field = name.substring(USER_CONTEXT_PREFIX.length());
				if (field.isEmpty()) {
					errors.add(new InvalidParameter(name, "names no field of the user context"));
				}
				else {
					userContext.put(field, literal(parameter.getValue().get(0), json));
				}
			}
			else if (!PARAMETERS.contains(name)) {
				errors.add(new InvalidParameter(name, "is not a parameter of this request; use workflow, status, "
						+ "createdAfter, createdBefore, userContext.<field>, page or size"));
			}
		}
		JobQuery query = JobQuery.all();
		String workflow = parameters.getFirst("workflow");
		if (workflow != null) {
			if (workflow.isBlank() || workflow.length() > 200) {
				errors.add(new InvalidParameter("workflow", "must have 1 to 200 characters"));
			}
			else {
				query = query.workflow(workflow);
			}
		}
		String status = parameters.getFirst("status");
		if (status != null) {
			try {
				query = query.status(JobStatus.valueOf(status));
			}
			catch (IllegalArgumentException ex) {
				errors.add(new InvalidParameter("status",
						"'" + status + "' is not one of " + Arrays.toString(JobStatus.values())));
			}
		}
		Instant after = instant(parameters.getFirst("createdAfter"), "createdAfter", errors);
		Instant before = instant(parameters.getFirst("createdBefore"), "createdBefore", errors);
		if (after != null && before != null && !after.isBefore(before)) {
			errors.add(new InvalidParameter("createdAfter", "must be before createdBefore"));
		}
		query = (after != null) ? query.createdAfter(after) : query;
		query = (before != null) ? query.createdBefore(before) : query;
		query = userContext.isEmpty() ? query : query.userContextContains(userContext);
		int page = integer(parameters.getFirst("page"), "page", 0, 0, JobQuery.MAX_OFFSET, errors);
		int size = integer(parameters.getFirst("size"), "size", 20, 1, MAX_SIZE, errors);
		if ((long) page * size > JobQuery.MAX_OFFSET) {
			errors.add(new InvalidParameter("page", "page times size must be at most " + JobQuery.MAX_OFFSET
					+ "; narrow the search instead"));
		}
		if (!errors.isEmpty()) {
			throw new ApiValidationException(errors);
		}
		return new JobListRequest(query.offset(page * size).limit(size + 1), page, size);
	}

	/**
	 * Reads a value as the JSON literal it is (a number, true, false, null or a quoted string), else as a string.
	 */
	private static @Nullable Object literal(String value, JsonMapper json) {
		try {
			Object read = json.readValue(value, Object.class);
			if (read == null || read instanceof Number || read instanceof Boolean || read instanceof String) {
				return read;
			}
		}
		catch (JacksonException ex) {
			// Not JSON: the string itself.
		}
		return value;
	}

	private static @Nullable Instant instant(@Nullable String value, String name, List<InvalidParameter> errors) {
		if (value == null) {
			return null;
		}
		try {
			return Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			errors.add(new InvalidParameter(name, "'" + value + "' is not an ISO-8601 instant such as "
					+ "2026-01-31T09:30:00Z"));
			return null;
		}
	}

	private static int integer(@Nullable String value, String name, int fallback, int min, int max,
			List<InvalidParameter> errors) {
		if (value == null) {
			return fallback;
		}
		try {
			int number = Integer.parseInt(value);
			if (number >= min && number <= max) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// Reported below.
		}
		errors.add(new InvalidParameter(name, "'" + value + "' is not a whole number from " + min + " to " + max));
		return fallback;
	}

}

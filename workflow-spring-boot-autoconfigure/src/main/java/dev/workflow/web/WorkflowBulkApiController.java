package dev.workflow.web;

import java.security.Principal;
import java.util.List;

import dev.workflow.api.JobQuery;
import dev.workflow.api.WorkflowClient;
import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The REST API's bulk actions, under {@code workflow.api.base-path}: retry, cancel or delete every job that the job
 * list's filters match, or count them first. Errors are problem details, as the rest of the API's.
 */
@RestController
@RequestMapping(path = "${workflow.api.base-path:/workflow/api}/bulk", produces = MediaType.APPLICATION_JSON_VALUE)
public class WorkflowBulkApiController {

	private static final List<String> BULK_ACTIONS = List.of("retry", "cancel", "delete");

	private final WorkflowClient client;

	private final ApiJson json = new ApiJson();

	/**
	 * Creates the API.
	 * @param client the client it works through
	 */
	public WorkflowBulkApiController(WorkflowClient client) {
		this.client = client;
	}

	/**
	 * Retries, cancels or deletes every job the filters match (those of the job list, whatever page and size), or,
	 * with {@code dryRun=true}, counts them. Each job is changed in a transaction of its own, and records who did it
	 * (the authenticated user) and when.
	 * @param action {@code retry}, {@code cancel} or {@code delete}
	 * @param parameters the job list's filters, and {@code dryRun}
	 * @param principal the authenticated user, {@code null} without Spring Security
	 * @return the count, for a dry run; else what was done
	 */
	@PostMapping("/{action}")
	public ResponseEntity<String> bulk(@PathVariable String action,
			@RequestParam MultiValueMap<String, String> parameters, @Nullable Principal principal) {
		MultiValueMap<String, String> filters = new LinkedMultiValueMap<>(parameters);
		List<String> dryRun = filters.remove("dryRun");
		if (!BULK_ACTIONS.contains(action)) {
			throw new ApiValidationException("action", "'" + action + "' is not one of " + BULK_ACTIONS);
		}
		JobQuery query = JobListRequest.of(filters, this.json.mapper()).query();
		if (dryRun != null && !dryRun.isEmpty() && Boolean.parseBoolean(dryRun.get(0))) {
			return this.json.ok(new BulkCount(action, this.client.count(query)));
		}
		String actor = (principal != null) ? principal.getName() : "anonymous";
		try {
			return this.json.ok(switch (action) {
				case "retry" -> this.client.retryAll(query, actor);
				case "cancel" -> this.client.cancelAll(query, actor);
				default -> this.client.deleteAll(query, actor);
			});
		}
		catch (IllegalArgumentException ex) {
			throw new ApiValidationException("filters", ex.getMessage());
		}
	}

	/**
	 * How many jobs a bulk action would act on.
	 * @param action the action
	 * @param matched how many jobs the filters match
	 */
	record BulkCount(String action, long matched) {
	}

}

package dev.workflow.web;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import dev.workflow.api.MissedFires;
import dev.workflow.api.Schedule;
import dev.workflow.api.ScheduleNotFoundException;
import dev.workflow.api.ScheduleRequest;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowSchedules;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The REST API of schedules, under {@code workflow.api.base-path}: list them, save one (create or change), pause,
 * resume, trigger or delete it. Errors are problem details, as the rest of the API's.
 */
@RestController
@RequestMapping(path = "${workflow.api.base-path:/workflow/api}/schedules",
		produces = MediaType.APPLICATION_JSON_VALUE)
public class WorkflowScheduleApiController {

	private static final Set<String> SAVE_FIELDS = Set.of("workflow", "cron", "zone", "input", "missedFires");

	private final WorkflowSchedules schedules;

	private final WorkflowClient client;

	private final ApiJson json = new ApiJson();

	/**
	 * Creates the API.
	 * @param schedules the schedules it works on
	 * @param client the client that reads the jobs a trigger starts
	 */
	public WorkflowScheduleApiController(WorkflowSchedules schedules, WorkflowClient client) {
		this.schedules = schedules;
		this.client = client;
	}

	/**
	 * Lists the schedules, by name, with their next fire times.
	 * @return the schedules
	 */
	@GetMapping
	public ResponseEntity<String> list() {
		return this.json.ok(this.schedules.list());
	}

	/**
	 * Reads a schedule.
	 * @param name its name
	 * @return the schedule
	 */
	@GetMapping("/{name}")
	public ResponseEntity<String> schedule(@PathVariable String name) {
		return this.json.ok(require(name));
	}

	/**
	 * Creates a schedule, or changes the one of that name.
	 * @param name its name
	 * @param body {@code workflow} and {@code cron}, and optionally {@code zone} (UTC by default), {@code input} and
	 * {@code missedFires} ({@code SKIP}, {@code RUN_ONCE} (the default) or {@code RUN_EACH})
	 * @param contentType the body's type, JSON
	 * @return the schedule as stored
	 * @throws HttpMediaTypeNotSupportedException if the body is not declared JSON
	 */
	@PutMapping("/{name}")
	public ResponseEntity<String> save(@PathVariable String name, @RequestBody(required = false) @Nullable String body,
			@RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) @Nullable String contentType)
			throws HttpMediaTypeNotSupportedException {
		ApiJson.requireJson(contentType);
		JsonNode request = this.json.body(body);
		if (!request.isObject()) {
			throw new ApiValidationException("body", "must be a JSON object");
		}
		for (Iterator<String> fields = request.propertyNames().iterator(); fields.hasNext();) {
			String field = fields.next();
			if (!SAVE_FIELDS.contains(field)) {
				throw new ApiValidationException(field, "is not a field of a schedule; the fields are " + SAVE_FIELDS);
			}
		}
		String workflow = text(request, "workflow");
		String cron = text(request, "cron");
		if (workflow == null) {
			throw new ApiValidationException("workflow", "is missing");
		}
		if (cron == null) {
			throw new ApiValidationException("cron", "is missing");
		}
		ScheduleRequest schedule;
		try {
			schedule = ScheduleRequest.of(name, workflow, cron).zone(zone(text(request, "zone")));
		}
		catch (IllegalArgumentException ex) {
			throw new ApiValidationException("name", ex.getMessage());
		}
		String missed = text(request, "missedFires");
		if (missed != null) {
			try {
				schedule = schedule.missedFires(MissedFires.valueOf(missed.toUpperCase(Locale.ROOT)));
			}
			catch (IllegalArgumentException ex) {
				throw new ApiValidationException("missedFires",
						"'" + missed + "' is not one of SKIP, RUN_ONCE, RUN_EACH");
			}
		}
		JsonNode input = request.get("input");
		if (input != null && !input.isNull()) {
			schedule = schedule.input(input);
		}
		try {
			return this.json.ok(this.schedules.save(schedule));
		}
		catch (IllegalArgumentException ex) {
			throw new ApiValidationException("cron", ex.getMessage());
		}
	}

	/**
	 * Pauses a schedule.
	 * @param name its name
	 * @return the schedule, paused
	 */
	@PostMapping("/{name}/pause")
	public ResponseEntity<String> pause(@PathVariable String name) {
		this.schedules.pause(name);
		return this.json.ok(require(name));
	}

	/**
	 * Resumes a schedule.
	 * @param name its name
	 * @return the schedule, with its next fire time
	 */
	@PostMapping("/{name}/resume")
	public ResponseEntity<String> resume(@PathVariable String name) {
		this.schedules.resume(name);
		return this.json.ok(require(name));
	}

	/**
	 * Starts a job of a schedule now.
	 * @param name its name
	 * @return 201 with the job and its location
	 */
	@PostMapping("/{name}/trigger")
	public ResponseEntity<String> trigger(@PathVariable String name) {
		UUID jobId = this.schedules.trigger(name);
		return ResponseEntity
			.created(ServletUriComponentsBuilder.fromCurrentContextPath()
				.path(basePath())
				.path("/jobs/{id}")
				.buildAndExpand(jobId)
				.toUri())
			.body(this.json.write(this.client.get(jobId).orElseThrow()));
	}

	/**
	 * Deletes a schedule saved at run time.
	 * @param name its name
	 * @return 204
	 */
	@DeleteMapping("/{name}")
	public ResponseEntity<Void> delete(@PathVariable String name) {
		this.schedules.delete(name);
		return ResponseEntity.noContent().build();
	}

	private String basePath() {
		String uri = ServletUriComponentsBuilder.fromCurrentRequestUri().build().getPath();
		return (uri != null) ? uri.substring(0, uri.lastIndexOf("/schedules/")) : "";
	}

	private Schedule require(String name) {
		return this.schedules.find(name)
			.orElseThrow(() -> new ScheduleNotFoundException("No schedule named '" + name + "'"));
	}

	private static @Nullable String text(JsonNode request, String field) {
		JsonNode value = request.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString() || value.asString().isBlank()) {
			throw new ApiValidationException(field, "must be a non-blank string");
		}
		return value.asString();
	}

	private static ZoneId zone(@Nullable String zone) {
		if (zone == null) {
			return ScheduleRequest.UTC;
		}
		try {
			return ZoneId.of(zone);
		}
		catch (DateTimeException ex) {
			throw new ApiValidationException("zone", "'" + zone + "' is not a time zone, such as Europe/Paris or UTC");
		}
	}

}

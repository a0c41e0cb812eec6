package dev.workflow.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.workflow.api.Job;
import dev.workflow.api.JobAction;
import dev.workflow.api.JobHandle;
import dev.workflow.api.JobNotFoundException;
import dev.workflow.api.StartOptions;
import dev.workflow.api.StepExecution;
import dev.workflow.api.WorkflowClient;
import dev.workflow.web.ApiValidationException.InvalidParameter;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The REST API: list, read, start, cancel and retry jobs, send them events, and summarise workflows, under
 * {@code workflow.api.base-path}. Its JSON is written and read with a mapper of its own, so that the application's
 * JSON settings never change its shape; errors are RFC 9457 problem details ({@link WorkflowApiExceptionHandler}).
 */
@RestController
@RequestMapping(path = "${workflow.api.base-path:/workflow/api}", produces = MediaType.APPLICATION_JSON_VALUE)
public class WorkflowApiController {

	private static final Set<String> START_FIELDS = Set.of("workflow", "input", "userContext", "stepContext",
			"concurrencyKey", "priority", "idempotencyKey", "debounce");

	/** Most jobs one batch request starts: one transaction, whose rows and messages the instance holds meanwhile. */
	static final int MAX_BATCH = 10_000;

	private static final Set<String> START_ALL_FIELDS = Set.of("workflow", "inputs", "userContext", "stepContext",
			"concurrencyKey", "priority");

	private final WorkflowClient client;

	private final ApiJson json = new ApiJson();

	/**
	 * Creates the API.
	 * @param client the client it works through
	 */
	public WorkflowApiController(WorkflowClient client) {
		this.client = client;
	}

	/**
	 * Summarises each workflow.
	 * @return the summaries, by name
	 */
	@GetMapping("/workflows")
	public ResponseEntity<String> workflows() {
		return ok(this.client.summaries());
	}

	/**
	 * Pauses a workflow: no step of its jobs starts until it is resumed.
	 * @param name the workflow
	 * @return the workflow's pause, and whether this request changed it
	 */
	@PostMapping("/workflows/{name}/pause")
	public ResponseEntity<String> pause(@PathVariable String name) {
		return ok(new Pause(name, true, this.client.pause(name)));
	}

	/**
	 * Resumes a paused workflow.
	 * @param name the workflow
	 * @return the workflow's pause, and whether this request changed it
	 */
	@PostMapping("/workflows/{name}/resume")
	public ResponseEntity<String> resume(@PathVariable String name) {
		return ok(new Pause(name, false, this.client.resume(name)));
	}

	/**
	 * Lists jobs, newest first, a page at a time.
	 * @param parameters filters and the page: see {@link JobListRequest}
	 * @return the page
	 */
	@GetMapping("/jobs")
	public ResponseEntity<String> jobs(@RequestParam MultiValueMap<String, String> parameters) {
		JobListRequest request = JobListRequest.of(parameters, this.json.mapper());
		List<Job> found = this.client.find(request.query());
		boolean hasNext = found.size() > request.size();
		return ok(new JobPage(hasNext ? found.subList(0, request.size()) : found, request.page(), request.size(),
				hasNext));
	}

	/**
	 * Reads a job with its history.
	 * @param id the job's id
	 * @return the job and its step executions
	 */
	@GetMapping("/jobs/{id}")
	public ResponseEntity<String> job(@PathVariable String id) {
		UUID jobId = jobId(id);
		Job job = require(jobId);
		return ok(new JobDetail(job, this.client.history(jobId), this.client.actions(jobId)));
	}

	/**
	 * Starts a job.
	 * @param body {@code workflow}, and optionally {@code input}, {@code userContext}, {@code stepContext},
	 * {@code concurrencyKey}, {@code priority}, {@code idempotencyKey}
	 * @return 201 with the job and its location; 200 with the job an earlier start with the same idempotency key
	 * started
	 */
	@PostMapping("/jobs")
	public ResponseEntity<String> start(@RequestBody(required = false) @Nullable String body,
			@RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) @Nullable String contentType)
			throws HttpMediaTypeNotSupportedException {
		ApiJson.requireJson(contentType);
		JsonNode request = body(body);
		StartRequest start = startRequest(request, START_FIELDS, "input, idempotencyKey or debounce");
		JsonNode key = request.get("idempotencyKey");
		StartOptions options = start.options();
		if (key != null && !key.isNull()) {
			options = options.idempotencyKey(key.asString());
		}
		JsonNode debounce = request.get("debounce");
		if (debounce != null && !debounce.isNull()) {
			options = debounce(options, debounce);
		}
		JsonNode input = request.get("input");
		JobHandle<Object> started = this.client.start(start.workflow(), (input == null || input.isNull()) ? null : input,
				options);
		UUID jobId = started.id();
		Job job = require(jobId);
		if (!started.created()) {
			// The key was used before: this is that job, not a new one.
			return ok(job);
		}
		return ResponseEntity
			.created(ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(jobId).toUri())
			.body(write(job));
	}

	/**
	 * Starts one job per input, all with the same options, in one transaction: all of them or, if any input is
	 * refused, none.
	 * @param body {@code workflow} and {@code inputs} (an array), and optionally {@code userContext},
	 * {@code stepContext}, {@code concurrencyKey}, {@code priority}
	 * @return 201 with the jobs' ids, in the order of the inputs; 400 for more than {@value #MAX_BATCH} inputs
	 */
	@PostMapping("/jobs/batch")
	public ResponseEntity<String> startAll(@RequestBody(required = false) @Nullable String body,
			@RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) @Nullable String contentType)
			throws HttpMediaTypeNotSupportedException {
		ApiJson.requireJson(contentType);
		JsonNode request = body(body);
		JsonNode given = request.get("inputs");
		if (request.isObject() && (given == null || !given.isArray())) {
			throw new ApiValidationException("inputs", "must be an array of the jobs' inputs");
		}
		if (given != null && given.size() > MAX_BATCH) {
			throw new ApiValidationException("inputs", "has " + given.size() + " inputs, more than the " + MAX_BATCH
					+ " one request may start; send them in several requests");
		}
		StartRequest start = startRequest(request, START_ALL_FIELDS, "or inputs");
		List<Object> inputs = new ArrayList<>();
		given.forEach((input) -> inputs.add(input.isNull() ? null : input));
		List<UUID> ids = this.client.startAll(start.workflow(), inputs, start.options())
			.stream()
			.map(JobHandle::id)
			.toList();
		return ResponseEntity.status(HttpStatus.CREATED).body(write(new StartedJobs(ids.size(), ids)));
	}

	/**
	 * Reads what every start request has: the workflow and the options all its jobs get.
	 * @param request the request's body
	 * @param fields the fields the request may have
	 * @param others the fields it may have besides the common ones, for the error
	 */
	private StartRequest startRequest(JsonNode request, Set<String> fields, String others) {
		List<InvalidParameter> errors = new ArrayList<>();
		if (!request.isObject()) {
			throw new ApiValidationException("body", "must be a JSON object with at least a workflow");
		}
		request.propertyNames().forEach((name) -> {
			if (!fields.contains(name)) {
				errors.add(new InvalidParameter(name, "is not a field of this start request; use workflow, "
						+ "userContext, stepContext, concurrencyKey, priority, " + others));
			}
		});
		JsonNode workflow = request.get("workflow");
		if (workflow == null || !workflow.isString() || workflow.asString().isBlank()) {
			errors.add(new InvalidParameter("workflow", "must be the name of a workflow"));
		}
		JsonNode userContext = request.get("userContext");
		if (userContext != null && !userContext.isNull() && !userContext.isObject()) {
			errors.add(new InvalidParameter("userContext", "must be a JSON object"));
		}
		JsonNode key = request.get("idempotencyKey");
		if (key != null && !key.isNull() && (!key.isString() || key.asString().isBlank() || key.asString().length() > 200)) {
			errors.add(new InvalidParameter("idempotencyKey", "must be a string of 1 to 200 characters"));
		}
		JsonNode concurrencyKey = request.get("concurrencyKey");
		if (concurrencyKey != null && !concurrencyKey.isNull() && (!concurrencyKey.isString()
				|| concurrencyKey.asString().isEmpty() || concurrencyKey.asString().length() > 200)) {
			errors.add(new InvalidParameter("concurrencyKey", "must be a string of 1 to 200 characters"));
		}
		JsonNode priority = request.get("priority");
		if (priority != null && !priority.isNull() && (!priority.isIntegralNumber()
				|| priority.asLong() < StartOptions.MIN_PRIORITY || priority.asLong() > StartOptions.MAX_PRIORITY)) {
			errors.add(new InvalidParameter("priority", "must be a whole number from " + StartOptions.MIN_PRIORITY
					+ " to " + StartOptions.MAX_PRIORITY + " (higher first), not " + priority));
		}
		if (!errors.isEmpty()) {
			throw new ApiValidationException(errors);
		}
		StartOptions options = StartOptions.defaults();
		if (concurrencyKey != null && !concurrencyKey.isNull()) {
			options = options.concurrencyKey(concurrencyKey.asString());
		}
		if (priority != null && !priority.isNull()) {
			options = options.priority(priority.asInt());
		}
		if (userContext != null && !userContext.isNull()) {
			options = options.userContext(this.json.mapper().convertValue(userContext, Map.class));
		}
		JsonNode stepContext = request.get("stepContext");
		if (stepContext != null && !stepContext.isNull()) {
			options = options.stepContext(stepContext);
		}
		return new StartRequest(workflow.asString(), options);
	}

	/**
	 * Reads a start's {@code debounce}: {@code {"key": "customer-42", "window": "30s"}}.
	 */
	private static StartOptions debounce(StartOptions options, JsonNode debounce) {
		JsonNode key = debounce.get("key");
		JsonNode window = debounce.get("window");
		if (!debounce.isObject() || key == null || !key.isString() || window == null || !window.isString()) {
			throw new ApiValidationException("debounce", "must be an object with a key and a window, such as "
					+ "{\"key\": \"customer-42\", \"window\": \"30s\"}");
		}
		Duration duration;
		try {
			duration = DurationStyle.detectAndParse(window.asString());
		}
		catch (IllegalArgumentException ex) {
			throw new ApiValidationException("debounce", "window '" + window.asString() + "' is not a duration, "
					+ "such as 30s or PT30S");
		}
		try {
			return options.debounce(key.asString(), duration);
		}
		catch (IllegalArgumentException ex) {
			throw new ApiValidationException("debounce", ex.getMessage());
		}
	}

	/**
	 * What every start request has.
	 * @param workflow the workflow's name
	 * @param options the options its jobs get, but an idempotency key
	 */
	private record StartRequest(String workflow, StartOptions options) {
	}

	/**
	 * The jobs a batch start created.
	 * @param count how many
	 * @param ids their ids, in the order of the inputs
	 */
	record StartedJobs(int count, List<UUID> ids) {
	}

	/**
	 * Cancels a job.
	 * @param id the job's id
	 * @return the job, now CANCELLED
	 */
	@PostMapping("/jobs/{id}/cancel")
	public ResponseEntity<String> cancel(@PathVariable String id) {
		UUID jobId = jobId(id);
		this.client.cancel(jobId);
		return ok(require(jobId));
	}

	/**
	 * Retries a failed job from its failed step.
	 * @param id the job's id
	 * @return the job, RUNNING again
	 */
	@PostMapping("/jobs/{id}/retry")
	public ResponseEntity<String> retry(@PathVariable String id) {
		UUID jobId = jobId(id);
		this.client.retry(jobId);
		return ok(require(jobId));
	}

	/**
	 * Sends an event to a job.
	 * @param id the job's id
	 * @param name the event's name
	 * @param body the payload, any JSON, or nothing
	 * @return 202
	 */
	@PostMapping("/jobs/{id}/events/{name}")
	public ResponseEntity<Void> sendEvent(@PathVariable String id, @PathVariable String name,
			@RequestBody(required = false) @Nullable String body,
			@RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) @Nullable String contentType)
			throws HttpMediaTypeNotSupportedException {
		UUID jobId = jobId(id);
		if (body != null && !body.isBlank()) {
			ApiJson.requireJson(contentType);
		}
		if (name.isBlank() || name.length() > 200) {
			throw new ApiValidationException("name", "must have 1 to 200 characters");
		}
		JsonNode payload = (body == null || body.isBlank()) ? null : body(body);
		this.client.sendEvent(jobId, name, (payload == null || payload.isNull()) ? null : payload);
		return ResponseEntity.accepted().build();
	}

	private Job require(UUID jobId) {
		return this.client.get(jobId).orElseThrow(() -> new JobNotFoundException("No job with id " + jobId));
	}

	private static UUID jobId(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new ApiValidationException("id", "'" + id + "' is not a job id (a UUID)");
		}
	}

	private JsonNode body(@Nullable String body) {
		return this.json.body(body);
	}

	private ResponseEntity<String> ok(Object value) {
		return this.json.ok(value);
	}

	private String write(Object value) {
		return this.json.write(value);
	}

	/**
	 * Whether a workflow is paused.
	 * @param workflow the workflow
	 * @param paused whether it is paused now
	 * @param changed whether the request paused (or resumed) it, rather than finding it so
	 */
	record Pause(String workflow, boolean paused, boolean changed) {
	}

	/**
	 * A page of jobs.
	 * @param items the jobs, newest first
	 * @param page the page, from 0
	 * @param size the most jobs on a page
	 * @param hasNext whether another page follows
	 */
	record JobPage(List<Job> items, int page, int size, boolean hasNext) {
	}

	/**
	 * A job and its history.
	 * @param job the job
	 * @param steps every attempt of every entry of its history
	 * @param actions what bulk actions did to it, by whom and when
	 */
	record JobDetail(Job job, List<StepExecution> steps, List<JobAction> actions) {
	}



}

package dev.workflow.web;

import java.net.URI;
import java.util.Map;

import dev.workflow.api.JobEndedException;
import dev.workflow.api.JobNotCancellableException;
import dev.workflow.api.JobNotFoundException;
import dev.workflow.api.JobNotRetryableException;
import dev.workflow.api.ScheduleDeclaredException;
import dev.workflow.api.ScheduleNotFoundException;
import dev.workflow.api.UnknownWorkflowException;
import dev.workflow.api.WorkflowException;
import dev.workflow.api.WorkflowPayloadTooLargeException;
import dev.workflow.api.WorkflowSerializationException;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Answers the REST API's errors with RFC 9457 problem details: 400 for a request that cannot be used (with an
 * {@code errors} list of {@code parameter} and {@code message}), 404 for a job that does not exist, 409 for an action
 * the job's state does not allow, 500 for anything else (logged, not shown). Each problem's {@code type} is a URN
 * that names it, such as {@code urn:dev.workflow:problem:job-not-found}. Spring MVC's own errors (a wrong method, a
 * wrong content type) are problem details too.
 */
@RestControllerAdvice(assignableTypes = { WorkflowApiController.class, WorkflowScheduleApiController.class,
		WorkflowBulkApiController.class })
public class WorkflowApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Log logger = LogFactory.getLog(WorkflowApiExceptionHandler.class);

	private static final String TYPE_PREFIX = "urn:dev.workflow:problem:";

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalid(ApiValidationException ex, HttpServletRequest request) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", ex.getMessage(),
				request);
		problem.setProperty("errors", ex.errors()
			.stream()
			.map((error) -> Map.of("parameter", error.parameter(), "message", error.message()))
			.toList());
		return ResponseEntity.of(problem).build();
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> workflow(WorkflowException ex, HttpServletRequest request) {
		Kind kind = kind(ex);
		return ResponseEntity.of(problem(kind.status(), kind.type(), kind.title(), ex.getMessage(), request)).build();
	}

	private static Kind kind(WorkflowException ex) {
		if (ex instanceof JobNotFoundException) {
			return new Kind(HttpStatus.NOT_FOUND, "job-not-found", "Job not found");
		}
		if (ex instanceof ScheduleNotFoundException) {
			return new Kind(HttpStatus.NOT_FOUND, "schedule-not-found", "Schedule not found");
		}
		if (ex instanceof ScheduleDeclaredException) {
			return new Kind(HttpStatus.CONFLICT, "schedule-declared", "Schedule declared in code");
		}
		if (ex instanceof UnknownWorkflowException) {
			return new Kind(HttpStatus.BAD_REQUEST, "unknown-workflow", "Unknown workflow");
		}
		if (ex instanceof WorkflowPayloadTooLargeException) {
			return new Kind(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large");
		}
		if (ex instanceof WorkflowSerializationException) {
			return new Kind(HttpStatus.BAD_REQUEST, "unusable-value", "Value not usable");
		}
		if (ex instanceof JobNotCancellableException) {
			return new Kind(HttpStatus.CONFLICT, "job-not-cancellable", "Job not cancellable");
		}
		if (ex instanceof JobNotRetryableException) {
			return new Kind(HttpStatus.CONFLICT, "job-not-retryable", "Job not retryable");
		}
		if (ex instanceof JobEndedException) {
			return new Kind(HttpStatus.CONFLICT, "job-ended", "Job ended");
		}
		return new Kind(HttpStatus.CONFLICT, "workflow-error", "Workflow error");
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unexpected(RuntimeException ex, HttpServletRequest request) {
		logger.error("The workflow REST API failed to answer " + request.getMethod() + " " + request.getRequestURI(),
				ex);
		return ResponseEntity.of(problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
				"The request failed on the server; its log tells why", request))
			.build();
	}

	/**
	 * Answers Spring MVC's own errors as {@code application/problem+json}, whatever the request accepts.
	 */
	@Override
	protected ResponseEntity<Object> createResponseEntity(@Nullable Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		HttpHeaders problemHeaders = new HttpHeaders();
		problemHeaders.putAll(headers);
		if (body instanceof ProblemDetail) {
			problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		}
		return new ResponseEntity<>(body, problemHeaders, statusCode);
	}

	/**
	 * Builds a problem of this API: its type is a URN that names it.
	 */
	static ProblemDetail problem(HttpStatus status, String type, String title, String detail,
			HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_PREFIX + type));
		problem.setTitle(title);
		problem.setInstance(URI.create(request.getRequestURI()));
		return problem;
	}

	/**
	 * What a workflow exception answers.
	 */
	private record Kind(HttpStatus status, String type, String title) {
	}

}

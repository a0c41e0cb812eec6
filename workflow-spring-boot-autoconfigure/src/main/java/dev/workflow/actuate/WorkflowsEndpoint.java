package dev.workflow.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.workflow.api.Job;
import dev.workflow.api.StepExecution;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowException;
import dev.workflow.api.WorkflowSummary;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code workflows} Actuator endpoint: the workflows with their jobs' counts by status, a job with its history,
 * and, where the endpoint's access allows writes ({@code management.endpoint.workflows.access=unrestricted}; read
 * only by default), retrying or cancelling a job. The values of a job's user context are shown as Actuator shows
 * the values of other endpoints: masked unless {@code management.endpoint.workflows.show-values} says otherwise,
 * through the application's {@code SanitizingFunction}s.
 * <ul>
 * <li>{@code GET /actuator/workflows}: the workflows.</li>
 * <li>{@code GET /actuator/workflows/{jobId}}: a job and its history.</li>
 * <li>{@code POST /actuator/workflows/{jobId}/retry}, {@code .../cancel}: an action on a job.</li>
 * </ul>
 */
@Endpoint(id = "workflows", defaultAccess = Access.READ_ONLY)
public class WorkflowsEndpoint {

	private final WorkflowClient client;

	private final Sanitizer sanitizer;

	private final Show showValues;

	private final Set<String> roles;

	/**
	 * Creates the endpoint.
	 * @param client reads and acts on jobs
	 * @param sanitizer masks the values of user contexts
	 * @param showValues when the values are shown unmasked
	 * @param roles the roles that see them when {@code showValues} is {@link Show#WHEN_AUTHORIZED}
	 */
	public WorkflowsEndpoint(WorkflowClient client, Sanitizer sanitizer, Show showValues, Set<String> roles) {
		this.client = client;
		this.sanitizer = sanitizer;
		this.showValues = showValues;
		this.roles = Set.copyOf(roles);
	}

	/**
	 * Returns the workflows, each with its jobs' counts by status.
	 * @return the workflows
	 */
	@ReadOperation
	public WorkflowsDescriptor workflows() {
		return new WorkflowsDescriptor(this.client.summaries());
	}

	/**
	 * Returns a job with its history.
	 * @param jobId the job's id
	 * @param security who asks, to decide whether the user context's values are shown
	 * @return the job, or {@code null} (404) if there is none
	 */
	@ReadOperation
	public @Nullable JobDescriptor job(@Selector String jobId, SecurityContext security) {
		UUID id = parse(jobId);
		return this.client.get(id).map((job) -> describe(job, security)).orElse(null);
	}

	/**
	 * Retries a failed job, or cancels one that has not ended.
	 * @param jobId the job's id
	 * @param action {@code retry} or {@code cancel}
	 * @param security who asks
	 * @return the job after the action
	 */
	@WriteOperation
	public JobDescriptor act(@Selector String jobId, @Selector String action, SecurityContext security) {
		UUID id = parse(jobId);
		if (this.client.get(id).isEmpty()) {
			throw new InvalidEndpointRequestException("No job with id " + id, "No job with that id");
		}
		try {
			switch (action) {
				case "retry" -> this.client.retry(id);
				case "cancel" -> this.client.cancel(id);
				default -> throw new InvalidEndpointRequestException(
						"Unknown action '" + action + "': give retry or cancel", "Unknown action");
			}
		}
		catch (WorkflowException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
		Optional<Job> job = this.client.get(id);
		return describe(job.orElseThrow(), security);
	}

	private JobDescriptor describe(Job job, SecurityContext security) {
		boolean show = this.showValues.isShown(security, this.roles);
		Map<String, Object> userContext = new LinkedHashMap<>();
		job.userContext().forEach((key, value) -> userContext.put(key,
				this.sanitizer.sanitize(new SanitizableData(null, key, value), show)));
		Job shown = new Job(job.id(), job.workflow(), job.status(), job.currentStep(), job.stepsCompleted(),
				job.percentComplete(), job.input(), userContext, job.output(), job.error(), job.idempotencyKey(),
				job.concurrencyKey(), job.priority(), job.createdAt(), job.startedAt(), job.finishedAt(),
				job.deadlineAt(), job.definitionVersion());
		return new JobDescriptor(shown, this.client.history(job.id()));
	}

	private static UUID parse(String jobId) {
		try {
			return UUID.fromString(jobId);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException("'" + jobId + "' is not a job id (a UUID)", "Not a job id");
		}
	}

	/**
	 * The workflows of the application.
	 *
	 * @param workflows each with its jobs' counts by status
	 */
	public record WorkflowsDescriptor(List<WorkflowSummary> workflows) implements OperationResponseBody {
	}

	/**
	 * A job and its history.
	 *
	 * @param job the job, its user context's values masked unless shown
	 * @param history every attempt of every entry, in sequence, then attempt
	 */
	public record JobDescriptor(Job job, List<StepExecution> history) implements OperationResponseBody {
	}

}

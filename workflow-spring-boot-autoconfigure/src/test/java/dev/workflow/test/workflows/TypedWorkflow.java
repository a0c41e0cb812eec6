package dev.workflow.test.workflows;

import java.util.List;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.UserContext;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.JobInfo;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Inputs and results as records and generic collections, and the step execution's identity.
 */
@Component
@Workflow(name = "typed")
public class TypedWorkflow {

	@Step(order = 1)
	public Summary count(List<Item> items, JobInfo info) {
		return new Summary(items.size(), items.stream().mapToLong(Item::quantity).sum(), info.jobId().toString(),
				info.step(), info.attempt(), info.stepExecutionId().toString(), null);
	}

	@Step(order = 2)
	public Summary echo(Summary summary, @UserContext Requester requester) {
		return new Summary(summary.items(), summary.quantity(), summary.jobId(), summary.step(), summary.attempt(),
				summary.stepExecutionId(), (requester != null) ? requester.user() : null);
	}

	/**
	 * The user context, read as a record.
	 * @param user who started the job
	 */
	public record Requester(String user) {
	}

	/**
	 * An order line.
	 * @param sku the article
	 * @param quantity how many
	 */
	public record Item(String sku, long quantity) {
	}

	/**
	 * What {@link #count} found.
	 * @param items number of lines
	 * @param quantity total quantity
	 * @param jobId the job, as seen by the step
	 * @param step the step, as seen by the step
	 * @param attempt the attempt, as seen by the step
	 * @param stepExecutionId the step execution, as seen by the step
	 * @param requestedBy the user in the job's user context
	 */
	public record Summary(int items, long quantity, String jobId, String step, int attempt, String stepExecutionId,
			@Nullable String requestedBy) {
	}

}

package dev.workflow.testing;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.workflow.api.Job;
import dev.workflow.api.JobHandle;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StepExecution;
import org.assertj.core.api.AbstractAssert;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on a job, read from the database through its handle each time they are checked. Start them with
 * {@link WorkflowAssertions#assertThat(JobHandle)}.
 */
public final class JobAssert extends AbstractAssert<JobAssert, JobHandle<?>> {

	JobAssert(JobHandle<?> job) {
		super(job, JobAssert.class);
	}

	/**
	 * Waits for the job to end, and checks that it completed.
	 * @param timeout how long to wait at most (wall time)
	 * @return this
	 */
	public JobAssert completesWithin(Duration timeout) {
		Job job = awaitEnd(timeout);
		if (job.status() != JobStatus.COMPLETED) {
			failWithMessage("Expected job %s of workflow '%s' to complete, but it ended %s%s", job.id(),
					job.workflow(), job.status(), describeError(job));
		}
		return this;
	}

	/**
	 * Waits for the job to end, whatever its end.
	 * @param timeout how long to wait at most (wall time)
	 * @return this
	 */
	public JobAssert endsWithin(Duration timeout) {
		awaitEnd(timeout);
		return this;
	}

	/**
	 * Checks the job's status now.
	 * @param expected the status
	 * @return this
	 */
	public JobAssert hasStatus(JobStatus expected) {
		Job job = this.actual.job();
		if (job.status() != expected) {
			failWithMessage("Expected job %s of workflow '%s' to be %s, but it is %s%s%s", job.id(), job.workflow(),
					expected, job.status(),
					(job.currentStep() != null) ? " at step '" + job.currentStep() + "'" : "", describeError(job));
		}
		return this;
	}

	/**
	 * Checks that the job completed with a result, read as the handle's result type.
	 * @param expected the result
	 * @return this
	 */
	public JobAssert hasResult(@Nullable Object expected) {
		hasStatus(JobStatus.COMPLETED);
		Object result = this.actual.await(Duration.ZERO);
		if (!Objects.equals(result, expected)) {
			failWithMessage("Expected job %s to have result <%s>, but it had <%s>", this.actual.id(), expected,
					result);
		}
		return this;
	}

	/**
	 * Moves to assertions on one step of the job's history, by name: every attempt of it (of every entry of that
	 * name, for a step that a workflow method calls more than once).
	 * @param name the step's name
	 * @return its assertions
	 */
	public StepAssert step(String name) {
		List<StepExecution> attempts = this.actual.history()
			.stream()
			.filter((execution) -> execution.step().equals(name))
			.toList();
		if (attempts.isEmpty()) {
			failWithMessage("Expected job %s to have run step '%s', but its history has only %s", this.actual.id(),
					name, this.actual.history().stream().map(StepExecution::step).distinct().toList());
		}
		return new StepAssert(this, name, attempts);
	}

	private Job awaitEnd(Duration timeout) {
		try {
			return Awaitility.await("job " + this.actual.id() + " to end")
				.atMost(timeout)
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(10))
				.until(this.actual::job, (job) -> job.status().isFinal());
		}
		catch (ConditionTimeoutException ex) {
			Job job = this.actual.job();
			failWithMessage("Expected job %s of workflow '%s' to end within %s, but it is %s%s", job.id(),
					job.workflow(), timeout, job.status(),
					(job.currentStep() != null) ? " at step '" + job.currentStep() + "'" : "");
			throw ex;
		}
	}

	private static String describeError(Job job) {
		return (job.error() != null) ? ": " + job.error().type() + ": " + job.error().message() : "";
	}

}

package dev.workflow.testing;

import java.util.List;

import dev.workflow.api.StepExecution;
import dev.workflow.api.StepStatus;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on the attempts of one step in a job's history. Start them with {@link JobAssert#step(String)}, and
 * go back to the job with {@link #job()}.
 */
public final class StepAssert extends AbstractAssert<StepAssert, List<StepExecution>> {

	private final JobAssert job;

	private final String name;

	StepAssert(JobAssert job, String name, List<StepExecution> attempts) {
		super(attempts, StepAssert.class);
		this.job = job;
		this.name = name;
	}

	/**
	 * Checks how many times the step ran: its attempts, counting the first.
	 * @param expected the number of attempts
	 * @return this
	 */
	public StepAssert hasAttempts(int expected) {
		if (this.actual.size() != expected) {
			failWithMessage("Expected step '%s' to have %s attempt(s), but it had %s: %s", this.name, expected,
					this.actual.size(), this.actual.stream().map(StepExecution::status).toList());
		}
		return this;
	}

	/**
	 * Checks the status of the step's last attempt.
	 * @param expected the status
	 * @return this
	 */
	public StepAssert hasStatus(StepStatus expected) {
		StepExecution last = this.actual.get(this.actual.size() - 1);
		if (last.status() != expected) {
			failWithMessage("Expected the last attempt of step '%s' to be %s, but it is %s%s", this.name, expected,
					last.status(), (last.error() != null) ? ": " + last.error().message() : "");
		}
		return this;
	}

	/**
	 * Checks the output of the step's last attempt, as the history stores it (JSON read as maps, lists, strings,
	 * numbers and booleans).
	 * @param expected the output
	 * @return this
	 */
	public StepAssert hasOutput(Object expected) {
		StepExecution last = this.actual.get(this.actual.size() - 1);
		if (!expected.equals(last.output())) {
			failWithMessage("Expected step '%s' to have output <%s>, but it had <%s>", this.name, expected,
					last.output());
		}
		return this;
	}

	/**
	 * Returns the assertions of the job, to go on with another step.
	 * @return the job's assertions
	 */
	public JobAssert job() {
		return this.job;
	}

	/**
	 * Moves to assertions on another step of the same job.
	 * @param name the step's name
	 * @return its assertions
	 */
	public StepAssert step(String name) {
		return this.job.step(name);
	}

}

package dev.workflow.testing;

import dev.workflow.api.JobHandle;

/**
 * AssertJ assertions on jobs and their histories:
 * <pre class="code">
 * assertThat(job).completesWithin(Duration.ofSeconds(5))
 * 	.hasResult("shipped o-1")
 * 	.step("charge_card").hasAttempts(2);
 * </pre>
 * Import {@code WorkflowAssertions.assertThat} beside AssertJ's {@code Assertions.assertThat}: the two overload by
 * type.
 */
public final class WorkflowAssertions {

	private WorkflowAssertions() {
	}

	/**
	 * Starts assertions on a job.
	 * @param job the job's handle
	 * @return its assertions
	 */
	public static JobAssert assertThat(JobHandle<?> job) {
		return new JobAssert(job);
	}

}

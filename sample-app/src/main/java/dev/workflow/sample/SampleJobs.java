package dev.workflow.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.workflow.api.JobFailedException;
import dev.workflow.api.JobHandle;
import dev.workflow.api.StartOptions;
import dev.workflow.api.WorkflowClient;
import dev.workflow.sample.orders.OrderContext;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * Starts a few jobs when the application is ready and prints their results and final statuses. The application
 * keeps running afterwards as a worker; set {@code sample.run-jobs=false} to start it as a plain worker.
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.run-jobs", matchIfMissing = true)
class SampleJobs implements ApplicationRunner {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final WorkflowClient client;

	SampleJobs(WorkflowClient client) {
		this.client = client;
	}

	@Override
	public void run(ApplicationArguments args) {
		report(this.client.start("my_first_workflow", 21,
				StartOptions.defaults().userContext(Map.of("user", "prryplatypus"))));
		report(this.client.start("process_order_pipeline", null,
				StartOptions.defaults().stepContext(new OrderContext("workspace-1", "user-7", "order-42"))));
		report(this.client.start("process_order", List.of("order-43", "user-8")));
		report(this.client.start("word_count",
				List.of("Durable workflows for Spring Boot", "run to completion", "across crashes and restarts")));
	}

	private void report(JobHandle<Object> job) {
		try {
			Object result = job.await(TIMEOUT);
			System.out.println("Job " + job.id() + " of " + job.job().workflow() + ": " + job.status() + ", result "
					+ result);
		}
		catch (JobFailedException ex) {
			System.out.println("Job " + job.id() + ": " + ex.getMessage());
		}
	}

}

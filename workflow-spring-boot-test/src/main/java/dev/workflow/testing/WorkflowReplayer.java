package dev.workflow.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.Job;
import dev.workflow.api.JobNotFoundException;
import dev.workflow.api.JobQuery;
import dev.workflow.api.WorkflowClient;
import dev.workflow.engine.HistoryReplay;
import dev.workflow.engine.WorkflowEngine;

import org.springframework.context.ApplicationContext;

/**
 * The replay check: runs stored job histories against the application's current code, without writing anything,
 * and reports per job where the code first parts from what the job recorded. Run it in a test of the build, before
 * a release, with histories from a database of running jobs or exported from the REST API:
 * <pre class="code">
 * &#64;Test
 * void runningJobsReplayAgainstThisCode(&#64;Autowired ApplicationContext context) {
 * 	WorkflowReplayer replayer = WorkflowReplayer.of(context);
 * 	WorkflowReplayer.assertReplays(replayer.replayRecent("order", 200));
 * 	JobHistory exported = JobHistory.fromJson(Path.of("src/test/resources/jobs/order-1.json"));
 * 	WorkflowReplayer.assertReplays(List.of(replayer.replay(exported)));
 * }
 * </pre>
 * A divergence names the entry of the history, the step and arguments recorded there, and the step and arguments
 * the code calls there now ("no call" when it returns, throws or waits before it). Put such a change behind
 * {@code Workflows.patched}, so that jobs that began on the old path keep it.
 */
public final class WorkflowReplayer {

	private final HistoryReplay replay;

	private final WorkflowClient client;

	/**
	 * Creates a replayer of the workflows of an engine.
	 * @param engine the application's engine, whose workflows are the current code
	 * @param client reads stored jobs and their histories
	 */
	public WorkflowReplayer(WorkflowEngine engine, WorkflowClient client) {
		this.replay = new HistoryReplay(engine);
		this.client = client;
	}

	/**
	 * Creates a replayer of the workflows of an application.
	 * @param context the application's context, with the starter's engine and client
	 * @return the replayer
	 */
	public static WorkflowReplayer of(ApplicationContext context) {
		return new WorkflowReplayer(context.getBean(WorkflowEngine.class), context.getBean(WorkflowClient.class));
	}

	/**
	 * Replays the most recently started jobs of a workflow that the database holds, whatever their status.
	 * @param workflow the workflow's name
	 * @param limit how many jobs at most
	 * @return a result per job, newest first
	 */
	public List<ReplayResult> replayRecent(String workflow, int limit) {
		List<ReplayResult> results = new ArrayList<>();
		for (Job job : this.client.find(JobQuery.all().workflow(workflow).limit(limit))) {
			results.add(replay(JobHistory.of(job, this.client.history(job.id()))));
		}
		return results;
	}

	/**
	 * Replays stored jobs.
	 * @param jobIds the jobs' ids
	 * @return a result per job, in the order of the ids
	 * @throws JobNotFoundException if there is no job with one of the ids
	 */
	public List<ReplayResult> replay(Collection<UUID> jobIds) {
		List<ReplayResult> results = new ArrayList<>(jobIds.size());
		for (UUID jobId : jobIds) {
			Job job = this.client.get(jobId).orElseThrow(() -> new JobNotFoundException("No job with id " + jobId));
			results.add(replay(JobHistory.of(job, this.client.history(jobId))));
		}
		return results;
	}

	/**
	 * Replays one history, from the database or exported from the REST API.
	 * @param history the history
	 * @return the result
	 * @throws dev.workflow.api.UnknownWorkflowException if the application has no workflow of the history's name
	 */
	public ReplayResult replay(JobHistory history) {
		return new ReplayResult(history.jobId(), history.workflow(),
				this.replay.check(history.workflow(), history.input(), history.history()));
	}

	/**
	 * Fails, listing every job whose history the current code no longer replays, if there is one.
	 * @param results the results of replays
	 * @throws AssertionError if a job diverged
	 */
	public static void assertReplays(Collection<ReplayResult> results) {
		List<ReplayResult> diverged = results.stream().filter(ReplayResult::diverged).toList();
		if (diverged.isEmpty()) {
			return;
		}
		StringBuilder message = new StringBuilder().append(diverged.size())
			.append(" of ")
			.append(results.size())
			.append((results.size() == 1) ? " job" : " jobs")
			.append(" no longer replay against the current code:");
		diverged.forEach((result) -> message.append("\n  - ").append(result));
		throw new AssertionError(message.toString());
	}

}

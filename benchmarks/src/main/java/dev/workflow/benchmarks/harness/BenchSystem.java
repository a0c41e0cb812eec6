package dev.workflow.benchmarks.harness;

import java.util.Set;

/**
 * A system under test: our engine, the floor, or a peer. Each measured run has a JVM of its own, which opens one
 * system for one scenario, submits jobs to it, and closes it.
 * <p>
 * The system's steps report to {@link Recorder}: {@link Recorder#stepStarted}, {@link Recorder#stepEnded} and, once a
 * job's work is done, {@link Recorder#jobFinished}. Job keys are the strings the harness passes to {@link #submit}.
 */
public interface BenchSystem extends AutoCloseable {

	/**
	 * The name shown in the results.
	 * @return the name
	 */
	String name();

	/**
	 * The scenarios this system can run.
	 * @return the scenarios
	 */
	Set<Scenario> scenarios();

	/**
	 * Prepares a run: creates or empties the system's tables, starts its workers. Statements and messages counted
	 * before the measured part of the run are discarded, so this may use {@link Servers#countingJdbcUrl()} freely.
	 * @param scenario the scenario to run
	 * @param servers the servers to use
	 * @throws Exception if the system cannot start
	 */
	void open(Scenario scenario, Servers servers) throws Exception;

	/**
	 * Starts one job of the scenario and returns once it is durably submitted. Called from several threads.
	 * @param key the job's key, to be passed to every {@link Recorder} call about the job
	 * @throws Exception if the job cannot be submitted
	 */
	void submit(String key) throws Exception;

	@Override
	void close() throws Exception;

}

package dev.workflow.benchmarks.floor;

import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.workflow.benchmarks.harness.BenchSystem;
import dev.workflow.benchmarks.harness.Recorder;
import dev.workflow.benchmarks.harness.Scenario;
import dev.workflow.benchmarks.harness.Servers;

/**
 * The database floor: the least an engine that runs a job's steps in the JVM that started it (as DBOS does) must do
 * per step, with no broker. Per step, one committed transaction that inserts a row and updates another
 * ({@link FloorTables}); the next step of the job then runs at once on the same thread. {@value #WORKERS} worker
 * threads, as many as the broker floor's consumers, take the submitted jobs in turn; the 50 steps of a fan-out (d) are
 * handed to the pool together and run in parallel on it.
 *
 * @see FloorSystem
 */
public class DatabaseFloorSystem implements BenchSystem {

	static final int WORKERS = FloorSystem.CONSUMERS;

	private Scenario scenario;

	private FloorTables tables;

	private ExecutorService workers;

	@Override
	public String name() {
		return "floor-db";
	}

	@Override
	public Set<Scenario> scenarios() {
		return EnumSet.allOf(Scenario.class);
	}

	@Override
	public void open(Scenario scenario, Servers servers) throws Exception {
		this.scenario = scenario;
		this.tables = new FloorTables(servers, WORKERS + 4);
		this.workers = Executors.newFixedThreadPool(WORKERS);
	}

	@Override
	public void submit(String key) throws Exception {
		this.tables.insertJob(key);
		if (this.scenario == Scenario.FAN_OUT) {
			for (int i = 0; i < this.scenario.stepsPerJob(); i++) {
				this.workers.execute(() -> run(key, -1));
			}
		}
		else {
			this.workers.execute(() -> run(key, 1));
		}
	}

	/**
	 * Runs a step of a job and, in a sequence, the job's next steps one after the other on this thread.
	 * @param key the job's key
	 * @param first the step to run, from 1, or -1 for a step of a fan-out
	 */
	private void run(String key, int first) {
		int step = first;
		while (true) {
			Recorder.stepStarted(key);
			Recorder.stepEnded(key);
			int done;
			try {
				done = this.tables.recordStep(key, step);
			}
			catch (SQLException ex) {
				int again = step;
				this.workers.execute(() -> run(key, again));
				return;
			}
			if (done >= this.scenario.stepsPerJob()) {
				Recorder.jobFinished(key);
				return;
			}
			if (step < 0) {
				return;
			}
			step++;
		}
	}

	@Override
	public void close() throws Exception {
		if (this.workers != null) {
			this.workers.shutdownNow();
			this.workers.awaitTermination(5, TimeUnit.SECONDS);
		}
		if (this.tables != null) {
			this.tables.close();
		}
	}

}

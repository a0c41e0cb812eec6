package dev.workflow.benchmarks.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * One measured run in a JVM of its own: opens a system, warms it up, offers it the load, and writes a {@link Result}
 * as JSON.
 * <p>
 * Arguments: {@code <system> <scenario> <load> <round> <result file>} followed by the {@link Settings} options.
 */
public final class Child {

	private final BenchSystem system;

	private final Scenario scenario;

	private final Load load;

	private final int round;

	private final Settings settings;

	private final AtomicReference<Throwable> submitFailure = new AtomicReference<>();

	private Child(BenchSystem system, Scenario scenario, Load load, int round, Settings settings) {
		this.system = system;
		this.scenario = scenario;
		this.load = load;
		this.round = round;
		this.settings = settings;
	}

	public static void main(String[] args) throws Exception {
		BenchSystem system = Systems.create(args[0]);
		Scenario scenario = Scenario.of(args[1]);
		Load load = Load.valueOf(args[2]);
		int round = Integer.parseInt(args[3]);
		Path resultFile = Path.of(args[4]);
		Settings settings = Settings.parse(Arrays.copyOfRange(args, 5, args.length));
		Result result;
		try {
			system.open(scenario, Servers.fromEnvironment());
			result = new Child(system, scenario, load, round, settings).run();
		}
		finally {
			try {
				system.close();
			}
			catch (Exception ex) {
				ex.printStackTrace();
			}
		}
		Files.writeString(resultFile,
				JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(result));
		System.exit(0);
	}

	private Result run() throws Exception {
		warmUp();
		CountingDriver.reset();
		BrokerCounters.reset();
		return switch (this.load) {
			case FULL -> measure(this.settings.jobs(this.scenario), this.settings.submitters(), 0, null);
			case RATE -> measure(Math.min(this.settings.jobs(this.scenario),
					this.settings.rate() * this.settings.rateSeconds()), 1, this.settings.rate(), null);
			case SUSTAINED -> measure(300_000, this.settings.submitters(), 0,
					new Semaphore(this.settings.inFlight()));
		};
	}

	private void warmUp() throws Exception {
		Recorder.Recording warmup = Recorder.start(0, this.scenario.sequential(), (index) -> {
		});
		int jobs = this.settings.warmupJobs(this.scenario);
		log("warm-up: " + jobs + " jobs");
		ExecutorService submitters = Executors.newFixedThreadPool(this.settings.submitters());
		for (int i = 0; i < jobs; i++) {
			String key = "w" + i;
			submitters.execute(() -> submit(key));
		}
		submitters.shutdown();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(this.settings.timeoutSeconds());
		while (warmup.warmupFinished.get() < jobs && System.nanoTime() < deadline) {
			checkSubmissions();
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
		if (warmup.warmupFinished.get() < jobs) {
			throw new IllegalStateException(
					"Warm-up: " + warmup.warmupFinished.get() + " of " + jobs + " jobs finished in time");
		}
	}

	/**
	 * Offers jobs and waits for them.
	 * @param jobs how many jobs at most
	 * @param threads submitting threads
	 * @param rate jobs per second, or 0 for as fast as possible
	 * @param inFlight bounds the jobs in flight for the sustained load, which ends after a fixed time
	 */
	private Result measure(int jobs, int threads, int rate, Semaphore inFlight) throws Exception {
		Recorder.Recording recording = Recorder.start(jobs, this.scenario.sequential(), (index) -> {
			if (inFlight != null) {
				inFlight.release();
			}
		});
		log(this.load.title() + ": " + ((inFlight != null) ? "for " + this.settings.sustainSeconds() + " s, "
				+ this.settings.inFlight() + " in flight" : jobs + " jobs"));
		AtomicInteger next = new AtomicInteger();
		long start = System.nanoTime();
		long sustainEnd = start + TimeUnit.SECONDS.toNanos(this.settings.sustainSeconds());
		ExecutorService submitters = Executors.newFixedThreadPool(Math.max(threads, (rate > 0) ? 4 : 0));
		if (rate > 0) {
			Thread pacer = new Thread(() -> {
				for (int i = 0; i < jobs; i++) {
					long due = start + i * 1_000_000_000L / rate;
					long wait = due - System.nanoTime();
					if (wait > 0) {
						LockSupport.parkNanos(wait);
					}
					int index = i;
					submitters.execute(() -> submit(recording, index));
				}
			}, "pacer");
			pacer.start();
		}
		else {
			for (int t = 0; t < threads; t++) {
				submitters.execute(() -> {
					while (true) {
						if (inFlight != null) {
							if (System.nanoTime() >= sustainEnd) {
								return;
							}
							try {
								if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
									continue;
								}
							}
							catch (InterruptedException ex) {
								return;
							}
						}
						int index = next.getAndIncrement();
						if (index >= jobs) {
							return;
						}
						submit(recording, index);
					}
				});
			}
		}
		long deadline = start + TimeUnit.SECONDS.toNanos(this.settings.timeoutSeconds());
		if (inFlight != null) {
			while (System.nanoTime() < sustainEnd) {
				checkSubmissions();
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
			}
		}
		else {
			while (recording.jobsFinished.get() < jobs && System.nanoTime() < deadline) {
				checkSubmissions();
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
			}
		}
		long end = (inFlight != null) ? System.nanoTime() : Math.max(recording.lastFinish, start + 1);
		long steps = recording.stepsEnded.get();
		long finished = recording.jobsFinished.get();
		long statements = CountingDriver.statements.get();
		long commits = CountingDriver.commits.get();
		long messages = BrokerCounters.published.get() + BrokerCounters.consumed.get();
		submitters.shutdownNow();
		double seconds = (end - ((inFlight != null) ? start : recording.firstSubmit)) / 1e9;
		String error = (inFlight == null && finished < jobs)
				? finished + " of " + jobs + " jobs finished within " + this.settings.timeoutSeconds() + " s" : null;
		Result result = new Result(this.system.name(), this.scenario.letter(), this.load, this.round, finished, steps,
				seconds, finished / seconds, steps / seconds, Recorder.percentileMillis(recording.stepGaps, 50),
				Recorder.percentileMillis(recording.stepGaps, 99), Recorder.percentileMillis(recording.endToEnd, 50),
				Recorder.percentileMillis(recording.endToEnd, 99), peakRssMb(), peakHeapMb(),
				perStep(statements, steps), perStep(commits, steps), perStep(messages, steps), error);
		log(String.format("%d jobs, %d steps in %.1f s: %.0f jobs/s, %.0f steps/s", finished, steps, seconds,
				result.jobsPerSecond(), result.stepsPerSecond()));
		return result;
	}

	private void submit(String key) {
		try {
			this.system.submit(key);
		}
		catch (Throwable ex) {
			this.submitFailure.compareAndSet(null, ex);
		}
	}

	private void submit(Recorder.Recording recording, int index) {
		recording.submitted(index);
		submit(Integer.toString(index));
	}

	private void checkSubmissions() {
		Throwable failure = this.submitFailure.get();
		if (failure != null) {
			throw new IllegalStateException("Submitting a job failed", failure);
		}
	}

	private static double perStep(long count, long steps) {
		return (steps == 0) ? 0 : (double) count / steps;
	}

	private static long peakRssMb() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith("VmHWM:")) {
					return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// not Linux: no figure
		}
		return -1;
	}

	private static long peakHeapMb() {
		long bytes = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
				bytes += pool.getPeakUsage().getUsed();
			}
		}
		return bytes / (1024 * 1024);
	}

	private void log(String message) {
		System.out.println("[bench " + this.system.name() + " " + this.scenario.letter() + " " + this.load + "] "
				+ message);
	}

}

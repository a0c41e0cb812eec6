package dev.workflow.benchmarks.harness;

import org.jspecify.annotations.Nullable;

/**
 * The measurements of one run: one system, one scenario, one load.
 *
 * @param system the system's name
 * @param scenario the scenario's letter
 * @param load the load
 * @param round the round of the run, from 1
 * @param jobs jobs finished in the measured part
 * @param steps steps ended in the measured part
 * @param seconds length of the measured part
 * @param jobsPerSecond jobs finished per second
 * @param stepsPerSecond steps ended per second
 * @param stepGapP50Ms median time from the end of one step to the start of the next of the same job
 * @param stepGapP99Ms 99th percentile of the same
 * @param endToEndP50Ms median time from submitting a job to its end
 * @param endToEndP99Ms 99th percentile of the same
 * @param peakRssMb peak resident memory of the JVM ({@code VmHWM}), whole run
 * @param peakHeapMb sum of the peak usage of the heap pools, whole run
 * @param statementsPerStep SQL statements sent per step (batch entries count one each)
 * @param commitsPerStep transactions committed per step
 * @param messagesPerStep broker messages published and consumed per step
 * @param error why the run is incomplete, or {@code null}
 */
public record Result(String system, String scenario, Load load, int round, long jobs, long steps, double seconds,
		double jobsPerSecond, double stepsPerSecond, @Nullable Double stepGapP50Ms, @Nullable Double stepGapP99Ms,
		@Nullable Double endToEndP50Ms, @Nullable Double endToEndP99Ms, long peakRssMb, long peakHeapMb,
		double statementsPerStep, double commitsPerStep, double messagesPerStep, @Nullable String error) {

}

package dev.workflow.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests of {@link Report}'s medians, spreads, ratios and targets over rounds, of the rounds in {@link Settings}, and
 * of the latency percentiles of {@link Recorder}, without servers.
 */
class ReportTests {

	private static final Settings QUICK = Settings.parse(new String[] { "--quick" });

	@Test
	void roundsAreThreeByDefaultOneWhenQuickAndAsGiven() {
		assertThat(Settings.parse(new String[0]).rounds()).isEqualTo(3);
		assertThat(QUICK.rounds()).isEqualTo(1);
		assertThat(Settings.parse(new String[] { "--quick", "--rounds=5" }).rounds()).isEqualTo(5);
		assertThat(Settings.parse(new String[0]).systems()).containsExactly("ours", "floor", "floor-db", "jobrunr",
				"dbos", "db-scheduler");
	}

	@Test
	void tableShowsTheMedianAndTheLowestAndHighestOfTheRoundsWhereTheyDiffer() {
		List<Result> results = List.of(run("floor-db", "b", Load.FULL, 1, 1000, null),
				run("floor-db", "b", Load.FULL, 2, 3000, null), run("floor-db", "b", Load.FULL, 3, 2000, null));
		String markdown = Report.markdown("test machine", settings(3), results);
		assertThat(markdown).contains("Each figure is the median of 3 rounds")
			.contains("| b | full load | floor-db | 200 (100–300) | 2,000 (1,000–3,000) | 0.80 / 12.0 |");
	}

	@Test
	void ratiosPairOursWithTheOtherOfTheSameRoundAndTargetsFollowTheirMedian() {
		List<Result> results = new ArrayList<>();
		double[] ours = { 1000, 4000, 3000 };
		double[] dbos = { 1000, 2000, 1000 };
		for (int round = 1; round <= 3; round++) {
			results.add(run("ours", "b", Load.FULL, round, ours[round - 1], null));
			results.add(run("dbos", "b", Load.FULL, round, dbos[round - 1], null));
		}
		String markdown = Report.markdown("test machine", settings(3), results);
		// ratios 1, 2 and 3: median 2
		assertThat(markdown).contains("| b ten-step pipelines | – | – | – | 2.00 (1.00–3.00) | – |")
			.contains("- (b) ours/DBOS steps/s ≥ 1.5 (aim 2): 2.00 (1.00–3.00), met, aim met")
			.contains("- (c) ours/DBOS steps/s ≥ 1.5 (aim 2): not measured");
	}

	@Test
	void targetIsNotMetWhenTheMedianMissesItEvenIfOneRoundMeetsIt() {
		List<Result> results = new ArrayList<>();
		double[] ours = { 1000, 1000, 3000 };
		for (int round = 1; round <= 3; round++) {
			results.add(run("ours", "d", Load.FULL, round, ours[round - 1], null));
			results.add(run("floor", "d", Load.FULL, round, 2000, null));
		}
		assertThat(Report.markdown("test machine", settings(3), results))
			.contains("- (d) ours/broker floor steps/s ≥ 0.7: 0.50 (0.50–1.50), NOT met");
	}

	@Test
	void incompleteRunsAreLeftOutOfTheFiguresAndNamed() {
		List<Result> results = List.of(run("ours", "a", Load.FULL, 1, 1000, null),
				run("ours", "a", Load.FULL, 2, 0, "did not end in time"), run("jobrunr", "a", Load.FULL, 1, 500, null),
				run("jobrunr", "a", Load.FULL, 2, 900, null));
		String markdown = Report.markdown("test machine", settings(2), results);
		assertThat(markdown).contains("| a | full load | ours | 100 | 1,000 |")
			.contains("incomplete in round 2: did not end in time")
			.contains("- (a) ours/JobRunr jobs/s ≥ 2: 2.00, met");
	}

	@Test
	void latencyTargetsFollowTheMedianOfOursAtTheFixedRate() {
		List<Result> results = List.of(run("ours", "b", Load.RATE, 1, 1000, null),
				run("ours", "b", Load.RATE, 2, 1000, null), run("ours", "b", Load.RATE, 3, 1000, null));
		assertThat(Report.markdown("test machine", settings(3), results))
			.contains("- (b) at 100 jobs/s, step→step p50 ≤ 1 ms: 0.80, met")
			.contains("- (b) at 100 jobs/s, step→step p99 ≤ 10 ms: 12.0, NOT met")
			.contains("- (b) peak RSS of ours, largest of its loads, ≤ 512 MB: 300, met");
	}

	@Test
	void millisecondsKeepThreeSignificantDigits() {
		assertThat(Report.ms(0.4567)).isEqualTo("0.46");
		assertThat(Report.ms(52.34)).isEqualTo("52.3");
		assertThat(Report.ms(523.456)).isEqualTo("523");
		assertThat(Report.ms(1523.456)).isEqualTo("1,523");
	}

	@Test
	void percentilesComeFromTheHistogramToThreeSignificantDigits() {
		Histogram histogram = new ConcurrentHistogram(3);
		assertThat(Recorder.percentileMillis(histogram, 50)).isNull();
		for (int micros = 1; micros <= 1000; micros++) {
			histogram.recordValue(micros * 1_000L + 523_000_000L);
		}
		assertThat(Recorder.percentileMillis(histogram, 50)).isCloseTo(523.5, within(523.5 / 1000));
		assertThat(Recorder.percentileMillis(histogram, 99)).isCloseTo(523.99, within(523.99 / 1000));
	}

	private static Settings settings(int rounds) {
		return Settings.parse(new String[] { "--quick", "--rounds=" + rounds });
	}

	/** A run with jobs/s a tenth of its steps/s, step→step 0.8 / 12 ms and 300 MB of peak RSS. */
	private static Result run(String system, String scenario, Load load, int round, double stepsPerSecond,
			String error) {
		return new Result(system, scenario, load, round, 100, 1000, 1, stepsPerSecond / 10, stepsPerSecond, 0.8, 12.0,
				5.0, 50.0, 300, 100, 2.1, 1.0, 2.0, error);
	}

}

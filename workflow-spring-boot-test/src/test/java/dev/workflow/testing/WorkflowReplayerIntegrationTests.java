package dev.workflow.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.WorkflowClient;
import dev.workflow.engine.HistoryReplay;
import dev.workflow.web.WorkflowApiController;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The replay check on real jobs: the first release runs them on embedded servers, later releases (applications
 * that run no steps) replay their stored or exported histories.
 */
class WorkflowReplayerIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static UUID first;

	private static UUID second;

	private static UUID packing;

	private static String exported;

	@BeforeAll
	static void runJobsWithTheFirstRelease() {
		try (ConfigurableApplicationContext release = release(FirstRelease.class, true)) {
			WorkflowClient client = release.getBean(WorkflowClient.class);
			first = client.start("shipping", "o-1").id();
			second = client.start("shipping", "o-2").id();
			packing = client.start("packing", "o-3").id();
			assertThat(client.handle(first, String.class).await(WAIT)).isEqualTo("shipped o-1");
			assertThat(client.handle(second, String.class).await(WAIT)).isEqualTo("shipped o-2");
			assertThat(client.handle(packing, String.class).await(WAIT)).isEqualTo("picked o-3, packed");
			exported = new WorkflowApiController(client).job(first.toString()).getBody();
		}
	}

	@Test
	void whenTheCodeIsUnchangedThenEveryStoredHistoryReplays() {
		try (ConfigurableApplicationContext release = release(FirstRelease.class, false)) {
			WorkflowReplayer replayer = WorkflowReplayer.of(release);

			List<ReplayResult> results = replayer.replay(List.of(first, second, packing));

			assertThat(results).extracting(ReplayResult::jobId).containsExactly(first, second, packing);
			assertThat(results).noneMatch(ReplayResult::diverged);
			assertThat(replayer.replayRecent("shipping", 10)).extracting(ReplayResult::jobId).contains(first, second);
			assertThatNoException().isThrownBy(() -> WorkflowReplayer.assertReplays(results));
		}
	}

	@Test
	void whenTwoStepsAreSwappedThenTheReportNamesThePositionAndBothSidesOfEachJob() {
		try (ConfigurableApplicationContext release = release(SwappedRelease.class, false)) {
			WorkflowReplayer replayer = WorkflowReplayer.of(release);

			List<ReplayResult> results = replayer.replay(List.of(first, second));

			assertThat(results).allMatch(ReplayResult::diverged);
			HistoryReplay.Divergence divergence = results.get(0).divergence().orElseThrow();
			assertThat(divergence.workflow()).isEqualTo("shipping");
			assertThat(divergence.position()).isZero();
			assertThat(divergence.recordedStep()).isEqualTo("reserve");
			assertThat(divergence.recordedArguments()).isEqualTo("[\"o-1\"]");
			assertThat(divergence.calledStep()).isEqualTo("charge");
			assertThat(divergence.calledArguments()).isEqualTo("[\"o-1\"]");
			assertThat(divergence.description()).contains("Workflows.patched(");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> WorkflowReplayer.assertReplays(results))
				.withMessageStartingWith("2 of 2 jobs no longer replay against the current code:")
				.withMessageContaining("job " + first + " of workflow 'shipping': entry 0: recorded reserve[\"o-1\"], "
						+ "now charge[\"o-1\"]")
				.withMessageContaining("job " + second + " of workflow 'shipping': entry 0: recorded reserve[\"o-2\"], "
						+ "now charge[\"o-2\"]");
		}
	}

	@Test
	void whenTheSwapIsBehindPatchedThenTheHistoriesOfTheOldPathReplay() {
		try (ConfigurableApplicationContext release = release(PatchedRelease.class, false)) {
			assertThat(WorkflowReplayer.of(release).replay(List.of(first, second))).noneMatch(ReplayResult::diverged);
		}
	}

	@Test
	void whenTheCodeEndsBeforeARecordedEntryThenTheReportSaysItMakesNoCallThere() {
		try (ConfigurableApplicationContext release = release(ShortRelease.class, false)) {
			HistoryReplay.Divergence divergence = WorkflowReplayer.of(release)
				.replay(List.of(first))
				.get(0)
				.divergence()
				.orElseThrow();

			assertThat(divergence.position()).isEqualTo(1);
			assertThat(divergence.recordedStep()).isEqualTo("charge");
			assertThat(divergence.calledStep()).isNull();
			assertThat(divergence.sides()).isEqualTo("entry 1: recorded charge[\"o-1\"], now no call");
			assertThat(divergence.description()).contains("the code now makes no call there: it returns before it");
		}
	}

	@Test
	void whenAPipelineLosesAStepThatAHistoryRecordsThenTheReportNamesIt() {
		try (ConfigurableApplicationContext release = release(SwappedRelease.class, false)) {
			HistoryReplay.Divergence divergence = WorkflowReplayer.of(release)
				.replay(List.of(packing))
				.get(0)
				.divergence()
				.orElseThrow();

			assertThat(divergence.position()).isEqualTo(1);
			assertThat(divergence.recordedStep()).isEqualTo("pack");
			assertThat(divergence.calledStep()).isNull();
			assertThat(divergence.description()).contains("Pipeline 'packing' no longer has step 'pack'",
					"its steps are now [pick, box]");
		}
	}

	@Test
	void whenAJobIsExportedAsJsonThenItsHistoryReplaysFromTheExport(@TempDir Path directory) throws Exception {
		Path file = Files.writeString(directory.resolve("job.json"), exported, StandardCharsets.UTF_8);
		JobHistory history = JobHistory.fromJson(file);
		assertThat(history.jobId()).isEqualTo(first);
		assertThat(history.workflow()).isEqualTo("shipping");
		assertThat(history.input()).isEqualTo("o-1");
		assertThat(history.history()).hasSize(3);

		try (ConfigurableApplicationContext release = release(FirstRelease.class, false)) {
			assertThat(WorkflowReplayer.of(release).replay(history).diverged()).isFalse();
		}
		try (ConfigurableApplicationContext release = release(SwappedRelease.class, false)) {
			ReplayResult result = WorkflowReplayer.of(release).replay(JobHistory.fromJson(exported));
			assertThat(result.jobId()).isEqualTo(first);
			assertThat(result.divergence()).get()
				.extracting(HistoryReplay.Divergence::sides)
				.isEqualTo("entry 0: recorded reserve[\"o-1\"], now charge[\"o-1\"]");
		}
	}

	@Test
	void whenTheJsonIsNotAnExportedJobThenItIsRefusedSayingWhatItTakes() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> JobHistory.fromJson("{\"id\":1}"))
			.withMessageContaining("Not a job as the REST API returns it for GET {workflow.api.base-path}/jobs/{id}");
	}

	private static ConfigurableApplicationContext release(Class<?> release, boolean worker) {
		return new SpringApplicationBuilder(release).run("--workflow.worker.id=" + release.getSimpleName(),
				"--workflow.worker.enabled=" + worker, "--workflow.broker.exchange=wf-test-replayer",
				"--workflow.broker.step-queue=wf-test-replayer.steps",
				"--workflow.broker.parking-queue=wf-test-replayer.parked");
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Steps {

		@Bean
		Releases.ShippingSteps shippingSteps() {
			return new Releases.ShippingSteps();
		}

	}

	static class FirstRelease extends Steps {

		@Bean
		Releases.Shipping shipping(Releases.ShippingSteps steps) {
			return new Releases.Shipping(steps);
		}

		@Bean
		Releases.Packing packing() {
			return new Releases.Packing();
		}

	}

	static class SwappedRelease extends Steps {

		@Bean
		Releases.SwappedShipping shipping(Releases.ShippingSteps steps) {
			return new Releases.SwappedShipping(steps);
		}

		@Bean
		Releases.RenamedPacking packing() {
			return new Releases.RenamedPacking();
		}

	}

	static class PatchedRelease extends Steps {

		@Bean
		Releases.PatchedShipping shipping(Releases.ShippingSteps steps) {
			return new Releases.PatchedShipping(steps);
		}

	}

	static class ShortRelease extends Steps {

		@Bean
		Releases.ShortShipping shipping(Releases.ShippingSteps steps) {
			return new Releases.ShortShipping(steps);
		}

	}

}

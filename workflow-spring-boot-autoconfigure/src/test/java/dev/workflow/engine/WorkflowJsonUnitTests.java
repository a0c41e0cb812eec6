package dev.workflow.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.WorkflowPayloadTooLargeException;
import dev.workflow.api.WorkflowSerializationException;
import dev.workflow.transport.StepMessage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * What {@link WorkflowJson} lets in: no U+0000 anywhere, nothing over the size limit, and waits that end by the
 * latest due time.
 */
class WorkflowJsonUnitTests {

	private final WorkflowJson json = new WorkflowJson(JsonMapper.builder().build(), DataSize.ofBytes(1000));

	@Test
	void nulInAStringIsRefusedWithItsPath() {
		assertThatExceptionOfType(WorkflowSerializationException.class)
			.isThrownBy(() -> this.json.toTree(Map.of("pages", List.of("one", "t\u0000wo")), () -> "value of a test"))
			.withMessageStartingWith("The value of a test contains the character U+0000 at $.pages[1], which "
					+ "PostgreSQL cannot store");
	}

	@Test
	void nulInAFieldNameIsRefusedWithTheNameEscapedInThePath() {
		assertThatExceptionOfType(WorkflowSerializationException.class)
			.isThrownBy(() -> this.json.toTree(Map.of("a", Map.of("it's\u0000", 1)), () -> "value"))
			.withMessageContaining("at $.a['it\\'s\\u0000']")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("\u0000"));
	}

	@Test
	void nulAtTheTopIsAtTheRoot() {
		assertThatExceptionOfType(WorkflowSerializationException.class)
			.isThrownBy(() -> this.json.toTree("\u0000", () -> "value"))
			.withMessageContaining("at $, which");
	}

	@Test
	void otherControlCharactersAndNonAsciiTextAreStored() {
		assertThatNoException().isThrownBy(() -> this.json.toTree(Map.of("tab\t", "line\nbreak \u0001 \u00e9 \u20ac"),
				() -> "value"));
	}

	@Test
	void aValueUpToTheLimitIsTakenAndOneByteMoreIsRefusedWithItsSize() {
		// A JSON string of n characters is n + 2 bytes.
		assertThat(this.json.toTree("x".repeat(998), () -> "value").stringValue()).hasSize(998);
		assertThatExceptionOfType(WorkflowPayloadTooLargeException.class)
			.isThrownBy(() -> this.json.toTree("x".repeat(999), () -> "input of workflow 'w'"))
			.withMessageStartingWith("The input of workflow 'w' is 1,001 bytes as JSON, more than "
					+ "workflow.max-payload-size (1,000 bytes) allows")
			.satisfies((ex) -> {
				assertThat(ex.size()).isEqualTo(1001);
				assertThat(ex.limit()).isEqualTo(1000);
			});
	}

	@Test
	void theSizeIsCountedInUtf8Bytes() {
		// The euro sign is 3 bytes in UTF-8: 333 of them and the quotes are 1,001 bytes.
		assertThatExceptionOfType(WorkflowPayloadTooLargeException.class)
			.isThrownBy(() -> this.json.toTree("\u20ac".repeat(333), () -> "value"))
			.satisfies((ex) -> assertThat(ex.size()).isEqualTo(1001));
		assertThatNoException().isThrownBy(() -> this.json.toTree("\u20ac".repeat(332), () -> "value"));
	}

	@Test
	void aStepMessageOverTheLimitIsRefusedNamingItsStepJobAndParts() {
		UUID jobId = UUID.randomUUID();
		JsonNode half = JsonNodeFactory.instance.stringNode("x".repeat(600));
		StepMessage message = new StepMessage(jobId, UUID.randomUUID(), "w", "s", 2, half, null, half, null, null, null);

		assertThatExceptionOfType(WorkflowPayloadTooLargeException.class)
			.isThrownBy(() -> this.json.encode(message))
			.withMessageStartingWith("The message of step 's' (attempt 2) of job " + jobId + " of workflow 'w' would be ")
			.withMessageContaining("its input is 602 bytes, the job's step context 4 bytes and its user context "
					+ "602 bytes");
		assertThat(this.json.encodeAdmitted(message)).as("a message dispatched again is not held to the limit again")
			.contains(jobId.toString());
	}

	@Test
	void aWaitPastTheLatestDueTimeIsRefusedWithoutOverflowing() {
		Instant now = Instant.parse("2026-12-02T15:00:00Z");
		assertThatNoException()
			.isThrownBy(() -> Timer.checkWait(Duration.ofDays(365L * 7000), now, "Workflow 'w' cannot sleep"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Timer.checkWait(Duration.ofSeconds(Long.MAX_VALUE), now, "Workflow 'w' cannot sleep"))
			.withMessageStartingWith("Workflow 'w' cannot sleep for PT")
			.withMessageContaining("it would end after 9999-12-31T23:59:59Z, the latest time the engine stores");
	}

	@Test
	void whetherAWaitFitsDependsOnWhenItStartsByTheClockGiven() {
		Instant late = Instant.parse("9999-12-31T23:58:59Z");
		assertThat(Timer.waitProblem(Duration.ofMinutes(1), late)).isNull();
		assertThat(Timer.waitProblem(Duration.ofMinutes(2), late)).contains("it would end after 9999-12-31T23:59:59Z");
		assertThat(Timer.waitProblem(Duration.ofMinutes(2), Instant.parse("2026-12-02T15:00:00Z"))).isNull();
	}

	@Test
	void theLimitMustBePositive() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new WorkflowJson(JsonMapper.builder().build(), DataSize.ofBytes(0)))
			.withMessageContaining("workflow.max-payload-size must be positive");
	}

}

package dev.workflow;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.function.Supplier;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of {@link ArchitectureTests} catch what they are meant to: checked against small classes here that break
 * them, so that a rule that silently matches nothing fails a test.
 */
class ArchitectureRulesUnitTests {

	@Test
	void theClockRuleFindsEveryWayOfReadingTheSystemClock() {
		EvaluationResult result = ArchitectureTests.timeComesFromTheInjectedClock.evaluate(classes(SystemTime.class));

		assertThat(result.hasViolation()).isTrue();
		assertThat(result.getFailureReport().getDetails()).hasSize(6)
			.anySatisfy((detail) -> assertThat(detail).contains("references method <java.time.Instant.now()>"))
			.anySatisfy((detail) -> assertThat(detail).contains("calls method <java.lang.System.currentTimeMillis()>"))
			.anySatisfy((detail) -> assertThat(detail).contains("calls method <java.time.Clock.systemDefaultZone()>"))
			.anySatisfy((detail) -> assertThat(detail).contains("calls method <java.time.LocalDate.now()>"))
			.anySatisfy((detail) -> assertThat(detail).contains("calls method <java.time.Instant.now()>"))
			.anySatisfy((detail) -> assertThat(detail).contains("calls constructor <java.util.Date.<init>()>"));
	}

	@Test
	void theClockRuleAllowsTheInjectedClockAndElapsedTime() {
		EvaluationResult result = ArchitectureTests.timeComesFromTheInjectedClock.evaluate(classes(ClockTime.class));

		assertThat(result.hasViolation()).as(result.getFailureReport().toString()).isFalse();
	}

	private static JavaClasses classes(Class<?> type) {
		return new ClassFileImporter().importClasses(type);
	}

	/**
	 * Reads the system clock in six ways the rule must find.
	 */
	static class SystemTime {

		Supplier<Instant> reference() {
			return Instant::now;
		}

		long read() {
			Clock clock = Clock.systemDefaultZone();
			return System.currentTimeMillis() + LocalDate.now().getDayOfMonth() + Instant.now().getNano()
					+ new Date().getTime() + clock.millis();
		}

	}

	/**
	 * Reads the time only from a clock it is given, and measures elapsed time.
	 */
	static class ClockTime {

		private final Clock clock = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

		long read() {
			return Instant.now(this.clock).getNano() + LocalDate.now(this.clock).getDayOfMonth() + System.nanoTime()
					+ new Date(this.clock.millis()).getTime();
		}

	}

}

package dev.workflow.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import dev.workflow.api.MissedFires;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.support.CronExpression;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fires a due schedule starts: late ones each, missed ones as its policy says.
 */
class FirePlanUnitTests {

	private static final CronExpression EVERY_MINUTE = CronExpression.parse("0 * * * * *");

	private static final Instant NOW = Instant.parse("2026-12-03T12:00:30Z");

	private static final Duration THRESHOLD = Duration.ofMinutes(1);

	@Test
	void aFireOnTimeStartsOneJobAndMovesToTheNextMatch() {
		FirePlan plan = plan("2026-12-03T12:00:00Z", MissedFires.SKIP, 100);
		assertThat(plan.fires()).containsExactly(Instant.parse("2026-12-03T12:00:00Z"));
		assertThat(plan.next()).isEqualTo(Instant.parse("2026-12-03T12:01:00Z"));
	}

	@Test
	void lateFiresWithinTheThresholdEachStartAJobWhateverThePolicy() {
		CronExpression everySecond = CronExpression.parse("* * * * * *");
		for (MissedFires policy : MissedFires.values()) {
			FirePlan plan = FirePlan.of(everySecond, ZoneOffset.UTC, NOW.minusSeconds(3), NOW, THRESHOLD, policy, 100);
			assertThat(plan.fires()).containsExactly(NOW.minusSeconds(3), NOW.minusSeconds(2), NOW.minusSeconds(1), NOW);
			assertThat(plan.next()).isEqualTo(NOW.plusSeconds(1));
		}
	}

	@Test
	void missedFiresAreSkippedRunOnceForTheFirstOrRunEach() {
		// Due ten minutes ago: 11:51 to 11:59 are missed (more than a minute ago), 12:00 is late.
		assertThat(plan("2026-12-03T11:51:00Z", MissedFires.SKIP, 100).fires())
			.containsExactly(Instant.parse("2026-12-03T12:00:00Z"));
		assertThat(plan("2026-12-03T11:51:00Z", MissedFires.RUN_ONCE, 100).fires())
			.containsExactly(Instant.parse("2026-12-03T11:51:00Z"), Instant.parse("2026-12-03T12:00:00Z"));
		FirePlan each = plan("2026-12-03T11:51:00Z", MissedFires.RUN_EACH, 100);
		assertThat(each.fires()).hasSize(10)
			.startsWith(Instant.parse("2026-12-03T11:51:00Z"))
			.endsWith(Instant.parse("2026-12-03T12:00:00Z"));
		assertThat(each.next()).isEqualTo(Instant.parse("2026-12-03T12:01:00Z"));
	}

	@Test
	void aBacklogLongerThanABatchCatchesUpOverSeveralPasses() {
		FirePlan first = plan("2026-12-03T11:51:00Z", MissedFires.RUN_EACH, 4);
		assertThat(first.fires()).hasSize(4).endsWith(Instant.parse("2026-12-03T11:54:00Z"));
		assertThat(first.next()).isEqualTo(Instant.parse("2026-12-03T11:55:00Z"));
	}

	@Test
	void aCronExpressionIsReadInItsZone() {
		CronExpression sixInTheMorning = CronExpression.parse("0 0 6 * * *");
		Instant next = FirePlan.next(sixInTheMorning, ZoneId.of("Europe/Paris"), NOW);
		// 06:00 in Paris, in winter, is 05:00 UTC.
		assertThat(next).isEqualTo(Instant.parse("2026-12-04T05:00:00Z"));
		assertThat(FirePlan.next(CronExpression.parse("0 0 0 29 2 *"), ZoneOffset.UTC, NOW))
			.isEqualTo(Instant.parse("2028-02-29T00:00:00Z"));
	}

	private static FirePlan plan(String due, MissedFires policy, int most) {
		return FirePlan.of(EVERY_MINUTE, ZoneOffset.UTC, Instant.parse(due), NOW, THRESHOLD, policy, most);
	}

}

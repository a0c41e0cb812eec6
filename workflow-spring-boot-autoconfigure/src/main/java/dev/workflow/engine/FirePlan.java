package dev.workflow.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import dev.workflow.api.MissedFires;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.support.CronExpression;

/**
 * The fires of a due schedule that start jobs now, and its next fire time after them: the fires from its stored next
 * fire time up to now, those more than the misfire threshold ago following its {@link MissedFires} policy.
 *
 * @param fires the fire times to start jobs for, oldest first
 * @param next the schedule's next fire time after them, {@code null} if the cron expression never matches again
 */
record FirePlan(List<Instant> fires, @Nullable Instant next) {

	/**
	 * Plans the fires of a schedule.
	 * @param cron its cron expression
	 * @param zone the zone it is read in
	 * @param due its stored next fire time, at or before now
	 * @param now the time
	 * @param threshold how late a fire may be and still be late rather than missed
	 * @param policy what becomes of missed fires
	 * @param most most fires to plan: the schedule's next fire time is the first not planned
	 * @return the plan
	 */
	static FirePlan of(CronExpression cron, ZoneId zone, Instant due, Instant now, Duration threshold,
			MissedFires policy, int most) {
		List<Instant> fires = new ArrayList<>();
		Instant missedBefore = now.minus(threshold);
		Instant at = due;
		if (at.isBefore(missedBefore) && policy != MissedFires.RUN_EACH) {
			if (policy == MissedFires.RUN_ONCE) {
				// One job for the missed fires, named by the first of them.
				fires.add(at);
			}
			// On from the first fire that is late rather than missed.
			at = next(cron, zone, missedBefore.minusNanos(1));
		}
		while (at != null && !at.isAfter(now) && fires.size() < most) {
			fires.add(at);
			at = next(cron, zone, at);
		}
		return new FirePlan(List.copyOf(fires), at);
	}

	/**
	 * Returns the cron expression's first match after a moment.
	 * @param cron the expression
	 * @param zone the zone it is read in
	 * @param after the moment
	 * @return the match, {@code null} if there is none
	 */
	static @Nullable Instant next(CronExpression cron, ZoneId zone, Instant after) {
		ZonedDateTime next = cron.next(after.atZone(zone));
		return (next != null) ? next.toInstant() : null;
	}

}

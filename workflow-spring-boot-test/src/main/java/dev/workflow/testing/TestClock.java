package dev.workflow.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The engine's clock in a {@link WorkflowTest @WorkflowTest}: the system's time, plus how far the test has moved it
 * forward. It only moves forward, and goes on at the system's pace in between.
 */
final class TestClock extends Clock {

	private final AtomicReference<Duration> offset;

	private final ZoneId zone;

	TestClock() {
		this(new AtomicReference<>(Duration.ZERO), ZoneOffset.UTC);
	}

	private TestClock(AtomicReference<Duration> offset, ZoneId zone) {
		this.offset = offset;
		this.zone = zone;
	}

	@Override
	public Instant instant() {
		return Instant.now().plus(this.offset.get());
	}

	@Override
	public ZoneId getZone() {
		return this.zone;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return new TestClock(this.offset, zone);
	}

	/**
	 * Moves the time forward to a moment, unless it is there already.
	 * @param moment the moment
	 */
	void moveTo(Instant moment) {
		this.offset.updateAndGet((current) -> {
			Duration needed = Duration.between(Instant.now(), moment);
			return (needed.compareTo(current) > 0) ? needed : current;
		});
	}

	/**
	 * Returns how far the time has been moved forward.
	 * @return the offset from the system's time
	 */
	Duration offset() {
		return this.offset.get();
	}

}

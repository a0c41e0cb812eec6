package dev.workflow.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * What the store's plain SQL statements share: the final statuses of a job, and the conversions of times and
 * parameter lists.
 */
final class Sql {

	/** The statuses of a job that has ended, as a list of SQL literals. */
	static final String FINAL_STATUSES = "('COMPLETED', 'FAILED', 'ABORTED', 'CANCELLED', 'TIMED_OUT')";

	private Sql() {
	}

	/**
	 * Returns a moment as the JDBC driver binds a {@code timestamptz}.
	 * @param instant the moment
	 * @return it, in UTC
	 */
	static OffsetDateTime time(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

	/**
	 * Returns a moment, if there is one, as the JDBC driver binds a {@code timestamptz}.
	 * @param instant the moment, or {@code null}
	 * @return it, in UTC, or {@code null}
	 */
	static @Nullable OffsetDateTime timeOrNull(@Nullable Instant instant) {
		return (instant != null) ? time(instant) : null;
	}

	/**
	 * Returns a moment read from a {@code timestamptz} column, if it has one.
	 * @param time the column's value
	 * @return the moment, or {@code null}
	 */
	static @Nullable Instant instant(@Nullable OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

	/**
	 * Joins the parameters of the statements that one statement combines, in order.
	 * @param groups the parameters of each statement
	 * @return all of them
	 */
	static Object[] values(Object[]... groups) {
		return Arrays.stream(groups).flatMap(Arrays::stream).toArray();
	}

}

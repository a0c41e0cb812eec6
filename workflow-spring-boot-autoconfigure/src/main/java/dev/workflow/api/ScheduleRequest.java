package dev.workflow.api;

import java.time.ZoneId;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A schedule to save at run time with {@link WorkflowSchedules#save}: its name, workflow and cron expression, and
 * optionally its zone (UTC by default), input and policy for missed fires ({@link MissedFires#RUN_ONCE} by default).
 * <pre class="code">
 * schedules.save(ScheduleRequest.of("invoices-eu", "send_invoices", "0 0 6 * * MON-FRI")
 *     .zone(ZoneId.of("Europe/Paris"))
 *     .input(Map.of("region", "eu")));
 * </pre>
 *
 * @param name the schedule's name: 1 to 150 characters
 * @param workflow the workflow whose jobs it starts
 * @param cron its cron expression, as Spring's {@link org.springframework.scheduling.support.CronExpression} reads it
 * @param zone the time zone the cron expression is read in
 * @param input the input of each job, {@code null} for none
 * @param missedFires what becomes of missed fires
 */
public record ScheduleRequest(String name, String workflow, String cron, ZoneId zone, @Nullable Object input,
		MissedFires missedFires) {

	/** The zone of a schedule that names none: UTC, so that every instance reads its cron expression alike. */
	public static final ZoneId UTC = ZoneId.of("UTC");

	/** The longest name: a fire's idempotency key holds it and the fire time. */
	public static final int MAX_NAME_LENGTH = 150;

	/**
	 * Checks the request's parts; the cron expression and the input are checked when it is saved.
	 * @throws IllegalArgumentException if the name is blank or too long, or the workflow or cron expression blank
	 */
	public ScheduleRequest {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(workflow, "workflow");
		Objects.requireNonNull(cron, "cron");
		Objects.requireNonNull(zone, "zone");
		Objects.requireNonNull(missedFires, "missedFires");
		checkName(name);
		if (workflow.isBlank()) {
			throw new IllegalArgumentException("Schedule '" + name + "' names no workflow");
		}
		if (cron.isBlank()) {
			throw new IllegalArgumentException("Schedule '" + name + "' has no cron expression");
		}
	}

	/**
	 * Checks a schedule's name: 1 to {@value #MAX_NAME_LENGTH} letters, digits, {@code .}, {@code _}, {@code -} and
	 * {@code :}, so that it reads the same in a URL and in a fire's idempotency key.
	 * @param name the name
	 * @throws IllegalArgumentException if it is not such a name
	 */
	public static void checkName(String name) {
		if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
			throw new IllegalArgumentException("A schedule's name must have 1 to " + MAX_NAME_LENGTH
					+ " characters, not " + name.length());
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
					|| c == '-' || c == ':')) {
				throw new IllegalArgumentException("A schedule's name has letters, digits, '.', '_', '-' and ':' "
						+ "only, not '" + c + "' in '" + name + "'");
			}
		}
	}

	/**
	 * Returns a request in UTC, without input, that runs missed fires once.
	 * @param name the schedule's name
	 * @param workflow the workflow whose jobs it starts
	 * @param cron its cron expression
	 * @return the request
	 */
	public static ScheduleRequest of(String name, String workflow, String cron) {
		return new ScheduleRequest(name, workflow, cron, UTC, null, MissedFires.RUN_ONCE);
	}

	/**
	 * Returns this request with another zone.
	 * @param zone the time zone the cron expression is read in
	 * @return the request
	 */
	public ScheduleRequest zone(ZoneId zone) {
		return new ScheduleRequest(this.name, this.workflow, this.cron, zone, this.input, this.missedFires);
	}

	/**
	 * Returns this request with another input.
	 * @param input the input of each job, {@code null} for none
	 * @return the request
	 */
	public ScheduleRequest input(@Nullable Object input) {
		return new ScheduleRequest(this.name, this.workflow, this.cron, this.zone, input, this.missedFires);
	}

	/**
	 * Returns this request with another policy for missed fires.
	 * @param missedFires what becomes of missed fires
	 * @return the request
	 */
	public ScheduleRequest missedFires(MissedFires missedFires) {
		return new ScheduleRequest(this.name, this.workflow, this.cron, this.zone, this.input, missedFires);
	}

}

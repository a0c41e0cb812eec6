package dev.workflow.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.workflow.api.MissedFires;
import dev.workflow.api.Schedule;
import dev.workflow.api.ScheduleDeclaredException;
import dev.workflow.api.ScheduleNotFoundException;
import dev.workflow.api.ScheduleRequest;
import dev.workflow.api.StartOptions;
import dev.workflow.api.WorkflowDefinitionException;
import dev.workflow.api.WorkflowException;
import dev.workflow.api.WorkflowSchedules;
import dev.workflow.registry.ScheduleDefinition;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.ScheduleRows;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@link WorkflowSchedules} of the engine, and what fires them: the background work of every instance calls
 * {@link #fireDue()}, which claims due schedules one at a time skipping rows another instance holds, and starts each
 * fire's job in the transaction that moves the schedule's next fire time on. A fire's job has the idempotency key
 * {@code schedule:<name>:<fire time>}, so even a fire taken twice starts one job.
 */
public class DefaultWorkflowSchedules implements WorkflowSchedules {

	private static final Log logger = LogFactory.getLog(DefaultWorkflowSchedules.class);

	private static final String KEY_PREFIX = "schedule:";

	/** Reads the JSON of declared inputs: a syntax check, before the workflow reads it. */
	private static final JsonMapper DECLARED_INPUT = JsonMapper.builder().build();

	private final WorkflowEngine engine;

	private final ScheduleRows rows;

	private final TransactionTemplate transactions;

	private final Duration misfireThreshold;

	/**
	 * Creates the schedules.
	 * @param engine the engine that starts the jobs
	 * @param rows the rows of schedules
	 * @param misfireThreshold how late a fire may be and still start its job whatever the schedule's
	 * {@link MissedFires} policy
	 * @throws IllegalArgumentException if the threshold is not positive
	 */
	public DefaultWorkflowSchedules(WorkflowEngine engine, ScheduleRows rows, Duration misfireThreshold) {
		if (misfireThreshold.isNegative() || misfireThreshold.isZero()) {
			throw new IllegalArgumentException("workflow.flow.misfire-threshold must be positive, not "
					+ misfireThreshold);
		}
		this.engine = engine;
		this.rows = rows;
		this.transactions = engine.transactions();
		this.misfireThreshold = misfireThreshold;
	}

	/**
	 * Stores the schedules that this application declares with {@code @WorkflowSchedule}, and deletes the declared
	 * schedules of its workflows that it no longer declares. Called once at startup, after the workflows are found.
	 * @throws WorkflowDefinitionException if a declared input is not JSON, or not an input of its workflow
	 */
	public void storeDeclared() {
		Instant now = this.engine.clock().instant();
		List<ScheduleRows.Row> declared = new ArrayList<>();
		List<String> workflows = new ArrayList<>();
		for (WorkflowDefinition workflow : this.engine.registry().all()) {
			workflows.add(workflow.name());
			for (ScheduleDefinition schedule : workflow.schedules()) {
				String input = declaredInput(schedule);
				CronExpression cron = ScheduleDefinition.parseCron(schedule.cron(), schedule.name());
				declared.add(new ScheduleRows.Row(schedule.name(), workflow.name(), schedule.cron(),
						schedule.zone().getId(), input, schedule.missedFires().name(), true, false,
						FirePlan.next(cron, schedule.zone(), now), null, null, null));
			}
		}
		List<String> deleted = this.transactions.execute((status) -> {
			declared.forEach((row) -> this.rows.saveDeclared(row, now));
			return this.rows.deleteDeclaredExcept(workflows, declared.stream().map(ScheduleRows.Row::name).toList());
		});
		if (!declared.isEmpty()) {
			logger.info("Schedules: " + declared.stream()
				.map((row) -> row.name() + " (" + row.workflow() + ", \"" + row.cron() + "\" " + row.zone() + ")")
				.toList());
		}
		if (deleted != null && !deleted.isEmpty()) {
			logger.info("Deleted schedules that this release no longer declares: " + deleted);
		}
	}

	private @Nullable String declaredInput(ScheduleDefinition schedule) {
		if (schedule.input() == null) {
			return null;
		}
		String where = "@WorkflowSchedule(name = \"" + schedule.name() + "\") of workflow '" + schedule.workflow()
				+ "'";
		JsonNode input;
		try {
			input = DECLARED_INPUT.readTree(schedule.input());
		}
		catch (JacksonException ex) {
			throw new WorkflowDefinitionException(where + " has input " + schedule.input() + ", which is not JSON: "
					+ "give a JSON value, such as 42, \"text\" or {\"scope\": \"all\"}", ex);
		}
		try {
			this.engine.validateInput(schedule.workflow(), input);
		}
		catch (WorkflowException ex) {
			throw new WorkflowDefinitionException(where + " has input " + schedule.input() + ", which the workflow "
					+ "cannot read: " + ex.getMessage(), ex);
		}
		return this.engine.json().write(input);
	}

	/**
	 * Starts the jobs of the due schedules of the workflows this instance has, each schedule in a transaction of its
	 * own, at most {@code workflow.scheduler.batch-size} schedules.
	 * @return how many jobs were started
	 */
	public int fireDue() {
		Set<String> workflows = Set.copyOf(this.engine.registry().all().stream().map(WorkflowDefinition::name).toList());
		if (workflows.isEmpty()) {
			return 0;
		}
		int started = 0;
		for (int i = 0; i < this.engine.settings().batchSize(); i++) {
			Integer fired;
			try {
				fired = this.transactions.execute((status) -> fireOne(workflows));
			}
			catch (UnstartableFireException ex) {
				recordUnstartable(ex);
				continue;
			}
			if (fired == null) {
				break;
			}
			started += fired;
		}
		return started;
	}

	/**
	 * Claims one due schedule and starts its fires' jobs, in the caller's transaction.
	 * @return how many jobs were started, {@code null} if no schedule was due
	 */
	private @Nullable Integer fireOne(Set<String> workflows) {
		Instant now = this.engine.clock().instant();
		ScheduleRows.Row row = this.rows.claimDue(now, workflows);
		if (row == null || row.nextFireAt() == null) {
			return null;
		}
		FirePlan plan;
		JsonNode input;
		try {
			plan = FirePlan.of(ScheduleDefinition.parseCron(row.cron(), "schedule '" + row.name() + "'"),
					ZoneId.of(row.zone()), row.nextFireAt(), now, this.misfireThreshold,
					MissedFires.valueOf(row.missedFires()), this.engine.settings().batchSize());
			input = this.engine.json().parse(row.input());
		}
		catch (RuntimeException ex) {
			// A row this release cannot read (a zone its JVM does not know, say): it stops, with the error shown,
			// rather than stand in front of the schedules due after it.
			throw new UnstartableFireException(row, new FirePlan(List.of(), null), ex);
		}
		UUID lastJob = null;
		for (Instant fire : plan.fires()) {
			lastJob = startJob(row, input, fireKey(row.name(), fire.toString()), plan);
		}
		Instant lastFire = plan.fires().isEmpty() ? null : plan.fires().get(plan.fires().size() - 1);
		this.rows.fired(row.name(), plan.next(), lastFire, lastJob, null, now);
		if (plan.next() == null) {
			logger.info("Schedule '" + row.name() + "' (\"" + row.cron() + "\") never fires again");
		}
		return plan.fires().size();
	}

	private UUID startJob(ScheduleRows.Row row, @Nullable JsonNode input, String key, @Nullable FirePlan plan) {
		try {
			return this.engine.start(row.workflow(), input, StartOptions.defaults().idempotencyKey(key)).jobId();
		}
		catch (DataAccessException ex) {
			// The database, not the schedule: the fire is taken again.
			throw ex;
		}
		catch (RuntimeException ex) {
			if (plan == null) {
				throw ex;
			}
			throw new UnstartableFireException(row, plan, ex);
		}
	}

	/**
	 * Records why a schedule's fires could not start jobs (its input, say, which a release of its workflow no longer
	 * reads), and moves it on: the transaction that tried rolled back.
	 */
	private void recordUnstartable(UnstartableFireException ex) {
		String error = ex.getCause().getClass().getName() + ": " + ex.getCause().getMessage();
		logger.warn("Schedule '" + ex.row.name() + "' could not start a job of workflow '" + ex.row.workflow()
				+ "' for its fire(s) " + ex.plan.fires() + "; it goes on from " + ex.plan.next() + ": " + error);
		this.transactions.executeWithoutResult((status) -> {
			if (this.rows.find(ex.row.name(), true) != null) {
				this.rows.fired(ex.row.name(), ex.plan.next(), null, null, error, this.engine.clock().instant());
			}
		});
	}

	private static String fireKey(String name, String fire) {
		return KEY_PREFIX + name + ":" + fire;
	}

	@Override
	public Schedule save(ScheduleRequest request) {
		WorkflowDefinition workflow = this.engine.registry().require(request.workflow());
		CronExpression cron;
		try {
			cron = ScheduleDefinition.parseCron(request.cron(), "Schedule '" + request.name() + "'");
		}
		catch (WorkflowDefinitionException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
		JsonNode input = this.engine.json()
			.toTree(request.input(), () -> "input of schedule '" + request.name() + "'");
		this.engine.validateInput(workflow.name(), input);
		Instant now = this.engine.clock().instant();
		ScheduleRows.Row row = new ScheduleRows.Row(request.name(), workflow.name(), request.cron().trim(),
				request.zone().getId(), this.engine.json().write(input), request.missedFires().name(), false, false,
				FirePlan.next(cron, request.zone(), now), null, null, null);
		return this.transactions.execute((status) -> {
			if (!this.rows.save(row, now)) {
				throw new ScheduleDeclaredException("Schedule '" + request.name() + "' is declared with "
						+ "@WorkflowSchedule on workflow '" + require(request.name(), false).workflow()
						+ "': a release changes it; give this schedule another name");
			}
			return schedule(require(request.name(), false));
		});
	}

	@Override
	public List<Schedule> list() {
		return this.rows.list().stream().map(this::schedule).toList();
	}

	@Override
	public Optional<Schedule> find(String name) {
		return Optional.ofNullable(this.rows.find(name, false)).map(this::schedule);
	}

	@Override
	public void pause(String name) {
		this.transactions.executeWithoutResult((status) -> {
			ScheduleRows.Row row = require(name, true);
			this.rows.setPaused(name, true, row.nextFireAt(), this.engine.clock().instant());
		});
		logger.info("Schedule '" + name + "' paused");
	}

	@Override
	public void resume(String name) {
		this.transactions.executeWithoutResult((status) -> {
			ScheduleRows.Row row = require(name, true);
			Instant now = this.engine.clock().instant();
			Instant next = row.paused() ? FirePlan.next(ScheduleDefinition.parseCron(row.cron(), name),
					ZoneId.of(row.zone()), now) : row.nextFireAt();
			this.rows.setPaused(name, false, next, now);
		});
		logger.info("Schedule '" + name + "' resumed");
	}

	@Override
	public void delete(String name) {
		this.transactions.executeWithoutResult((status) -> {
			ScheduleRows.Row row = require(name, true);
			if (row.declared() && declaredHere(name)) {
				throw new ScheduleDeclaredException("Schedule '" + name + "' is declared with @WorkflowSchedule on "
						+ "workflow '" + row.workflow() + "': pause it, or remove the annotation in a release");
			}
			this.rows.delete(name);
		});
		logger.info("Schedule '" + name + "' deleted");
	}

	@Override
	public UUID trigger(String name) {
		return this.transactions.execute((status) -> {
			ScheduleRows.Row row = require(name, true);
			Instant now = this.engine.clock().instant();
			UUID job = startJob(row, this.engine.json().parse(row.input()), fireKey(name, "manual:" + now), null);
			this.rows.fired(name, row.nextFireAt(), now, job, null, now);
			logger.info("Schedule '" + name + "' triggered: job " + job);
			return job;
		});
	}

	/**
	 * Whether this release declares a schedule: one it does not (of a workflow it removed or renamed) may be deleted.
	 */
	private boolean declaredHere(String name) {
		return this.engine.registry()
			.all()
			.stream()
			.anyMatch((workflow) -> workflow.schedules().stream().anyMatch((schedule) -> schedule.name().equals(name)));
	}

	private ScheduleRows.Row require(String name, boolean lock) {
		ScheduleRows.Row row = this.rows.find(name, lock);
		if (row == null) {
			throw new ScheduleNotFoundException("No schedule named '" + name + "'");
		}
		return row;
	}

	private Schedule schedule(ScheduleRows.Row row) {
		return new Schedule(row.name(), row.workflow(), row.cron(), row.zone(),
				this.engine.json().read(row.input(), Object.class), MissedFires.valueOf(row.missedFires()),
				row.paused(), row.declared(), row.nextFireAt(), row.lastFireAt(), row.lastJobId(), row.lastError());
	}

	/**
	 * A schedule's fires could not start jobs, for a reason of the schedule's own: the transaction rolls back, and the
	 * schedule moves on with the error recorded.
	 */
	private static final class UnstartableFireException extends RuntimeException {

		private final transient ScheduleRows.Row row;

		private final transient FirePlan plan;

		UnstartableFireException(ScheduleRows.Row row, FirePlan plan, RuntimeException cause) {
			super(cause);
			this.row = row;
			this.plan = plan;
		}

		@Override
		public synchronized RuntimeException getCause() {
			return (RuntimeException) super.getCause();
		}

	}

}

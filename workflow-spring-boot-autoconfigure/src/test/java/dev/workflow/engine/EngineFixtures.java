package dev.workflow.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.JobStatus;
import dev.workflow.api.StepArgumentResolver;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.registry.WorkflowRegistry;
import dev.workflow.store.StepExecutionEntity;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * What the engine's unit tests share, so that they run without servers and depend on as little of the engine's
 * internals as they can: settings, a registry of the workflows of a test's configuration, the orchestration decider,
 * histories built by hand, and a plain view of a {@link Decision}. A change to {@code Decision} is a change here.
 */
final class EngineFixtures {

	/** The engine's clock in unit tests: fixed, so that the time a test sees is the one it chose. */
	static final Clock CLOCK = Clock.fixed(Instant.parse("2031-05-06T07:08:09.123Z"), ZoneOffset.UTC);

	/** The engine's JSON in unit tests: Jackson's defaults, no payload limit to speak of. */
	static final WorkflowJson JSON = new WorkflowJson(JsonMapper.builder().build());

	/** The job the hand-built histories belong to. */
	static final UUID JOB = UUID.randomUUID();

	private EngineFixtures() {
	}

	/**
	 * Returns settings as the defaults of the {@code workflow.*} properties would give, with a clock.
	 * @param clock the clock
	 * @return the settings
	 */
	static EngineSettings settings(Clock clock) {
		return new EngineSettings("unit", 3, Duration.ofSeconds(1), 2, Duration.ofMinutes(5), 0.2, List.of(),
				Duration.ofMinutes(5), Duration.ofSeconds(30), 500, Duration.ofSeconds(5), 1000,
				Duration.ofMinutes(1), 3, 5, Duration.ofHours(1), Duration.ofMillis(500), Duration.ofSeconds(30),
				100, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5), Map.of(), clock);
	}

	/**
	 * Returns the settings of {@link #settings(Clock)} with {@link #CLOCK}.
	 * @return the settings
	 */
	static EngineSettings settings() {
		return settings(CLOCK);
	}

	/**
	 * Starts an application context of the given configurations and discovers its workflows, as the engine does,
	 * but without the checks of JSON types that need the engine's mapper.
	 * @param configurations the configurations
	 * @return the workflows, to close after the tests
	 */
	static TestWorkflows workflows(Class<?>... configurations) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(configurations);
		WorkflowRegistry registry = WorkflowRegistry.discover(context, new WorkflowRegistry.TypeChecks() {

			@Override
			public @Nullable String contextProblem(Class<?> contextType) {
				return null;
			}

			@Override
			public @Nullable String valueProblem(java.lang.reflect.Type type) {
				return null;
			}

		});
		return new TestWorkflows(context, registry);
	}

	/**
	 * Returns a completed entry of the history of {@link #JOB}.
	 * @param sequence its position in the history
	 * @param step the step's name
	 * @param input its input, as JSON
	 * @param output its output, as JSON
	 * @return the entry
	 */
	static StepExecutionEntity completed(int sequence, String step, String input, @Nullable String output) {
		StepExecutionEntity entry = running(sequence, step, input);
		entry.recordCompleted(output, CLOCK.instant());
		return entry;
	}

	/**
	 * Returns an entry of the history of {@link #JOB} that has not completed yet.
	 * @param sequence its position in the history
	 * @param step the step's name
	 * @param input its input, as JSON
	 * @return the entry
	 */
	static StepExecutionEntity running(int sequence, String step, String input) {
		return new StepExecutionEntity(UUID.randomUUID(), JOB, sequence, step, 1, input, CLOCK.instant());
	}

	/**
	 * Returns what a decision dispatches, in order, as plain values.
	 * @param decision the decision
	 * @return the entries it adds to the history
	 */
	static List<Next> next(Decision decision) {
		List<Next> next = new ArrayList<>();
		for (Decision.Dispatch dispatch : decision.dispatches()) {
			String input = String.valueOf(dispatch.input());
			if (dispatch instanceof Decision.RecordedValue recorded) {
				next.add(new Next(dispatch.step(), Kind.RECORDED, input,
						(recorded.output() != null) ? recorded.output().toString() : null, null));
			}
			else if (dispatch instanceof Decision.DelayedStep delayed) {
				next.add(new Next(dispatch.step(), Kind.DELAYED, input, null, delayed.delay()));
			}
			else {
				next.add(new Next(dispatch.step(), (dispatch instanceof Decision.ChildJob) ? Kind.CHILD : Kind.RUN,
						input, null, null));
			}
		}
		return next;
	}

	/**
	 * Returns how a decision ends the job, as plain values, or {@code null} if it does not.
	 * @param decision the decision
	 * @return the end
	 */
	static @Nullable End end(Decision decision) {
		Decision.End end = decision.end();
		if (end == null) {
			return null;
		}
		return new End(end.status(), (end.output() != null) ? end.output().toString() : null,
				(end.error() != null) ? end.error().type() : null, (end.error() != null) ? end.error().message() : null);
	}

	/**
	 * The kinds of entries a decision adds to a job's history.
	 */
	enum Kind {

		/** A step that goes to a worker at once. */
		RUN,

		/** A step or timer that waits in the database until it is due. */
		DELAYED,

		/** An entry recorded as completed, with nothing to run. */
		RECORDED,

		/** An entry that waits for a child job. */
		CHILD

	}

	/**
	 * An entry a decision adds to a job's history.
	 *
	 * @param step the step's name
	 * @param kind what kind of entry
	 * @param input its input, as JSON
	 * @param output the value of a recorded entry, as JSON
	 * @param delay how long a delayed entry waits
	 */
	record Next(String step, Kind kind, String input, @Nullable String output, @Nullable Duration delay) {

		/**
		 * Returns an entry that runs at once.
		 * @param step the step's name
		 * @param input its input, as JSON
		 * @return the entry
		 */
		static Next run(String step, String input) {
			return new Next(step, Kind.RUN, input, null, null);
		}

	}

	/**
	 * How a decision ends a job.
	 *
	 * @param status the job's final status
	 * @param output its result, as JSON
	 * @param errorType the type of its error
	 * @param errorMessage the message of its error
	 */
	record End(JobStatus status, @Nullable String output, @Nullable String errorType, @Nullable String errorMessage) {
	}

	/**
	 * The workflows of a test's application context.
	 *
	 * @param context the context, to close after the tests
	 * @param registry its workflows
	 */
	record TestWorkflows(AnnotationConfigApplicationContext context, WorkflowRegistry registry) implements AutoCloseable {

		/**
		 * Returns a workflow.
		 * @param name its name
		 * @return its definition
		 */
		WorkflowDefinition require(String name) {
			return this.registry.require(name);
		}

		/**
		 * Returns the orchestration decider of these workflows, with their callable steps bound as the engine binds
		 * them, with the {@link #settings() settings} of unit tests.
		 * @param clock the clock the replays read
		 * @param resolvers the application's argument resolvers
		 * @return the decider
		 */
		OrchestrationDecider orchestration(Clock clock, List<StepArgumentResolver> resolvers) {
			EngineSettings settings = settings();
			Map<String, StepInvoker> invokers = new HashMap<>();
			this.registry.callableSteps()
				.forEach((name, step) -> invokers.put(name, StepInvoker.bindCallable(step, JSON, resolvers, settings)));
			return new OrchestrationDecider(JSON, clock, invokers::get);
		}

		@Override
		public void close() {
			this.context.close();
		}

	}

}

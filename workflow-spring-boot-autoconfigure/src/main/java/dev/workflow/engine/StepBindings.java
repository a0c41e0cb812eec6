package dev.workflow.engine;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.workflow.api.StepArgumentResolver;
import dev.workflow.registry.StepDefinition;
import dev.workflow.registry.WorkerPools;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.registry.WorkflowRegistry;
import dev.workflow.transport.WorkflowTopology;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * The application's workflows, the invokers bound to their steps and the decider of each: found once, when all
 * singletons exist, and asked by every other part of the engine which code runs a step, in which worker pool, and
 * which decider decides for a workflow.
 */
final class StepBindings {

	private final ListableBeanFactory beanFactory;

	private final WorkflowJson json;

	private final List<StepArgumentResolver> resolvers;

	private final EngineSettings settings;

	private final WorkflowTopology topology;

	private final UnknownWork unknownWork;

	private final DefinitionVersions definitions;

	private final WorkflowDecider pipelines = new PipelineDecider();

	private final OrchestrationDecider orchestration;

	private volatile Map<String, StepInvoker> callableInvokers = Map.of();

	private volatile Map<String, WorkflowDecider> deciders = Map.of();

	private volatile @Nullable WorkflowRegistry registry;

	private volatile Map<String, Map<String, StepInvoker>> invokers = Map.of();

	StepBindings(ListableBeanFactory beanFactory, WorkflowJson json, List<StepArgumentResolver> resolvers,
			EngineSettings settings, WorkflowTopology topology, UnknownWork unknownWork, DefinitionVersions definitions,
			Clock clock) {
		this.beanFactory = beanFactory;
		this.json = json;
		this.resolvers = List.copyOf(resolvers);
		this.settings = settings;
		this.topology = topology;
		this.unknownWork = unknownWork;
		this.definitions = definitions;
		this.orchestration = new OrchestrationDecider(json, clock, this::callable);
	}

	/**
	 * Finds the application's workflows and binds every step parameter to its source. An invalid definition fails
	 * the start.
	 */
	synchronized void initialize() {
		if (this.registry != null) {
			return;
		}
		WorkflowRegistry discovered = WorkflowRegistry.discover(this.beanFactory, new WorkflowRegistry.TypeChecks() {

			@Override
			public @Nullable String contextProblem(Class<?> contextType) {
				return StepBindings.this.json.contextProblem(contextType);
			}

			@Override
			public @Nullable String valueProblem(java.lang.reflect.Type type) {
				return StepBindings.this.json.valueProblem(type);
			}

		});
		Map<String, Map<String, StepInvoker>> bound = new HashMap<>();
		Map<String, WorkflowDecider> decidedBy = new HashMap<>();
		for (WorkflowDefinition workflow : discovered.all()) {
			if (workflow.orchestrated()) {
				decidedBy.put(workflow.name(), this.orchestration);
				continue;
			}
			Map<String, StepInvoker> steps = new HashMap<>();
			for (StepDefinition step : workflow.steps()) {
				StepInvoker invoker = StepInvoker.bind(workflow, step, this.json, this.resolvers, this.settings);
				// A renamed step takes the messages of its old names too.
				step.names().forEach((name) -> steps.put(name, invoker));
			}
			bound.put(workflow.name(), Map.copyOf(steps));
			decidedBy.put(workflow.name(), this.pipelines);
		}
		Map<String, StepInvoker> callable = new HashMap<>();
		discovered.callableSteps().forEach((name, step) -> {
			StepInvoker invoker = StepInvoker.bindCallable(step, this.json, this.resolvers, this.settings);
			step.names().forEach((alias) -> callable.put(alias, invoker));
		});
		for (String timer : List.of(Replay.SLEEP_STEP, Replay.EVENT_STEP)) {
			callable.put(timer, StepInvoker.bindCallable(Timer.definition(timer), this.json, this.resolvers,
					this.settings));
		}
		Map<String, StepInvoker> callableSteps = Map.copyOf(callable);
		// A workflow method calls the application's callable steps and the engine's timers.
		decidedBy.forEach((workflow, decider) -> bound.putIfAbsent(workflow, callableSteps));
		WorkerPools.checkDeclared(discovered, this.topology.allPools());
		this.invokers = Map.copyOf(bound);
		this.callableInvokers = callableSteps;
		this.deciders = Map.copyOf(decidedBy);
		this.registry = discovered;
		this.unknownWork.checkRemovedSteps(discovered, (workflow, step) -> invoker(workflow, step) != null);
		this.definitions.register(discovered);
	}

	/**
	 * Returns the registry of workflows, finding them first if that has not happened yet.
	 * @return the registry
	 */
	WorkflowRegistry registry() {
		WorkflowRegistry current = this.registry;
		if (current == null) {
			initialize();
			current = this.registry;
		}
		return current;
	}

	/**
	 * Returns the invoker of a step of a workflow on this instance, or {@code null} if it has none.
	 * @param workflow the workflow, {@code null} if this instance does not know it
	 * @param step the step's name (or an old name of it)
	 * @return the invoker, or {@code null}
	 */
	@Nullable StepInvoker invoker(@Nullable WorkflowDefinition workflow, String step) {
		return (workflow == null) ? null : this.invokers.get(workflow.name()).get(step);
	}

	/**
	 * Returns the decider of a workflow, chosen when the workflows were found.
	 * @param workflow the workflow
	 * @return its decider
	 */
	WorkflowDecider decider(WorkflowDefinition workflow) {
		registry();
		return this.deciders.get(workflow.name());
	}

	/**
	 * Returns the decider of workflow methods, which also replays a job's history for a kept event, a child's end or
	 * a look at the history.
	 * @return the decider
	 */
	OrchestrationDecider orchestration() {
		return this.orchestration;
	}

	/**
	 * Returns the invoker of a step that workflow methods call (or of a durable timer), or {@code null} if this
	 * instance has none.
	 * @param step the step's name (or an old name of it)
	 * @return the invoker, or {@code null}
	 */
	@Nullable StepInvoker callable(String step) {
		return this.callableInvokers.get(step);
	}

	/**
	 * Returns the worker pool a step of a workflow runs in, {@code null} for the default pool.
	 * @param workflow the workflow's name
	 * @param step the step's name
	 * @return the pool, or {@code null}
	 */
	@Nullable String pool(String workflow, String step) {
		WorkflowDefinition definition = registry().find(workflow);
		String pool = (definition != null) ? registry().pool(definition, step) : WorkerPools.DEFAULT;
		return pool.isEmpty() ? null : pool;
	}

}

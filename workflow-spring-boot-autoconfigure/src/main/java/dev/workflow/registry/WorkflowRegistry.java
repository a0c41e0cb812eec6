package dev.workflow.registry;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.UnknownWorkflowException;
import dev.workflow.api.WorkflowDefinitionException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * The workflows of the application, found among its beans once they are all created.
 * <p>
 * Discovery looks through Spring proxies ({@code @Transactional}, {@code @Validated} beans) to the user's class for
 * annotations, and invokes steps through the proxy so that its advice applies. Each invalid definition fails the
 * start with a {@link WorkflowDefinitionException} that names the class and method at fault.
 */
public class WorkflowRegistry {

	private static final Log logger = LogFactory.getLog(WorkflowRegistry.class);

	private final Map<String, WorkflowDefinition> workflows;

	private final Map<String, StepDefinition> steps;

	private WorkflowRegistry(Map<String, WorkflowDefinition> workflows, Map<String, StepDefinition> steps) {
		this.workflows = Map.copyOf(workflows);
		this.steps = Map.copyOf(steps);
	}

	/**
	 * Finds and validates the workflows among the beans of a bean factory.
	 * @param beanFactory the bean factory, whose singletons are created
	 * @param contextValidator checks that a workflow's context type can be stored and read back
	 * @return the registry
	 * @throws WorkflowDefinitionException if a definition is invalid
	 */
	public static WorkflowRegistry discover(ListableBeanFactory beanFactory, TypeChecks contextValidator) {
		Map<String, WorkflowDefinition> workflows = new LinkedHashMap<>();
		for (String beanName : beanFactory.getBeanNamesForAnnotation(Workflow.class)) {
			Object bean = beanFactory.getBean(beanName);
			WorkflowDefinition definition = define(beanName, bean, contextValidator);
			WorkflowDefinition clash = workflows.putIfAbsent(definition.name(), definition);
			if (clash != null) {
				throw new WorkflowDefinitionException("Duplicate workflow name '" + definition.name() + "': declared by "
						+ clash.beanClass().getName() + " (bean '" + clash.beanName() + "') and by "
						+ definition.beanClass().getName() + " (bean '" + beanName
						+ "'). Give one of them another @Workflow(name = ...).");
			}
		}
		Map<String, String> scheduleNames = new HashMap<>();
		for (WorkflowDefinition definition : workflows.values()) {
			for (ScheduleDefinition schedule : definition.schedules()) {
				String other = scheduleNames.putIfAbsent(schedule.name(), definition.name());
				if (other != null) {
					throw new WorkflowDefinitionException("Duplicate schedule name '" + schedule.name()
							+ "': declared with @WorkflowSchedule on workflows '" + other + "' and '" + definition.name()
							+ "'. Give one of them another @WorkflowSchedule(name = ...).");
				}
			}
		}
		if (logger.isInfoEnabled() && !workflows.isEmpty()) {
			logger.info("Workflows: " + workflows.values().stream()
				.map((w) -> w.name() + " " + w.steps().stream().map(StepDefinition::name).toList())
				.toList());
		}
		Map<String, StepDefinition> steps = discoverStepBeans(beanFactory);
		if (logger.isInfoEnabled() && !steps.isEmpty()) {
			logger.info("Steps for workflow methods: " + new TreeSet<>(steps.keySet()));
		}
		return new WorkflowRegistry(workflows, steps);
	}

	/**
	 * Finds the {@code @Step} methods of beans that are not workflows: the steps workflow methods call.
	 */
	private static Map<String, StepDefinition> discoverStepBeans(ListableBeanFactory beanFactory) {
		Map<String, StepDefinition> steps = new LinkedHashMap<>();
		Map<String, StepDefinition> aliases = new HashMap<>();
		for (String beanName : beanFactory.getBeanDefinitionNames()) {
			Class<?> type = beanFactory.getType(beanName, false);
			if (type == null || !AnnotationUtils.isCandidateClass(type, Step.class)) {
				continue;
			}
			Class<?> userClass = ClassUtils.getUserClass(type);
			if (AnnotatedElementUtils.hasAnnotation(userClass, Workflow.class)) {
				continue;
			}
			Map<Method, Step> annotated = MethodIntrospector.selectMethods(userClass,
					(MethodIntrospector.MetadataLookup<Step>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, Step.class));
			if (annotated.isEmpty()) {
				continue;
			}
			Object bean = beanFactory.getBean(beanName);
			for (Map.Entry<Method, Step> entry : annotated.entrySet()) {
				Method declared = entry.getKey();
				String stepName = stepName(declared, entry.getValue());
				Method invocable = AopUtils.selectInvocableMethod(declared, bean.getClass());
				ReflectionUtils.makeAccessible(invocable);
				StepDefinition step = new StepDefinition("", stepName, entry.getValue().order(), steps.size(), bean,
						invocable, declared, entry.getValue().pool().isEmpty() ? null
								: WorkerPools.pool(entry.getValue().pool(),
										"step '" + stepName + "' (" + describe(userClass, declared) + ")"),
						aliases(stepName, "", declared, entry.getValue()),
						FlowLimits.annotationRate("Step", entry.getValue().rateLimit(),
								"step '" + stepName + "' (" + describe(userClass, declared) + ")"));
				StepDefinition clash = steps.putIfAbsent(stepName, step);
				if (clash != null) {
					throw new WorkflowDefinitionException("Duplicate step name '" + stepName + "': "
							+ clash.describe() + " and " + step.describe()
							+ ". Steps called from workflow methods need names unique in the application: give one "
							+ "of them another @Step(name = ...).");
				}
				step.aliases().forEach((alias) -> aliases.putIfAbsent(alias, step));
			}
		}
		for (StepDefinition step : steps.values()) {
			for (String alias : step.aliases()) {
				StepDefinition other = steps.containsKey(alias) ? steps.get(alias) : aliases.get(alias);
				if (other != step) {
					throw aliasClash(alias, step, other, "the application's steps called from workflow methods");
				}
			}
		}
		return steps;
	}

	/**
	 * Reads and checks the aliases of a step: not blank, not its own name, each once.
	 */
	private static List<String> aliases(String stepName, String workflow, Method declared, Step step) {
		Set<String> aliases = new LinkedHashSet<>();
		String where = "step '" + stepName + "'" + (workflow.isEmpty() ? "" : " of workflow '" + workflow + "'") + " ("
				+ describe(declared.getDeclaringClass(), declared) + ")";
		for (String alias : step.aliases()) {
			if (!StringUtils.hasText(alias)) {
				throw new WorkflowDefinitionException("@Step(aliases) of " + where + " has a blank alias. An alias is "
						+ "a former name of the step: remove the blank one.");
			}
			if (alias.equals(stepName)) {
				throw new WorkflowDefinitionException("@Step(aliases) of " + where + " names the step's own name '"
						+ alias + "'. An alias is a former name of the step: remove it.");
			}
			aliases.add(alias);
		}
		return List.copyOf(aliases);
	}

	private static WorkflowDefinitionException aliasClash(String alias, StepDefinition step,
			@Nullable StepDefinition other, String among) {
		return new WorkflowDefinitionException("Alias '" + alias + "' of step '" + step.name() + "' ("
				+ step.describe() + ") is also " + ((other != null && other.name().equals(alias)) ? "the name"
						: "an alias")
				+ " of step '" + ((other != null) ? other.name() : alias) + "' ("
				+ ((other != null) ? other.describe() : "?") + ") among " + among + ". The messages and history of a "
				+ "name must go to one step: remove the alias from one of them, or rename the step.");
	}

	/**
	 * Returns a step that workflow methods call, by name.
	 * @param name the step's name
	 * @return the step, or {@code null} if there is none
	 */
	public @Nullable StepDefinition callableStep(String name) {
		return this.steps.get(name);
	}

	/**
	 * Returns the steps that workflow methods call.
	 * @return the steps by name
	 */
	public Map<String, StepDefinition> callableSteps() {
		return this.steps;
	}

	/**
	 * Returns the worker pool that a step of a workflow runs in: a pipeline step's own or its workflow's; for a
	 * workflow method, the own pool of the step it calls, else the workflow's; the workflow's for the engine's own
	 * entries (sleeps, event timeouts, children) and for steps this instance does not know.
	 * @param workflow the workflow
	 * @param step the step's name
	 * @return the pool's name, {@link WorkerPools#DEFAULT} for the default pool
	 */
	public String pool(WorkflowDefinition workflow, String step) {
		if (!workflow.orchestrated()) {
			StepDefinition definition = workflow.step(step);
			return (definition != null) ? definition.pool() : workflow.pool();
		}
		StepDefinition called = this.steps.get(step);
		return (called != null && called.pool() != null) ? called.pool() : workflow.pool();
	}

	/**
	 * Returns the pools that this instance's workflows and steps run in, by the rules of {@link #pool}.
	 * @return the pools, {@link WorkerPools#DEFAULT} among them if a workflow or step runs in it
	 */
	public Set<String> pools() {
		Set<String> pools = new TreeSet<>();
		for (WorkflowDefinition workflow : this.workflows.values()) {
			if (workflow.orchestrated()) {
				pools.add(workflow.pool());
			}
			workflow.steps().forEach((step) -> pools.add(step.pool()));
		}
		this.steps.values().stream().map(StepDefinition::pool).filter(Objects::nonNull).forEach(pools::add);
		return pools;
	}

	/**
	 * Returns a workflow by name.
	 * @param name the workflow's name
	 * @return the workflow
	 * @throws UnknownWorkflowException if there is none of that name
	 */
	public WorkflowDefinition require(String name) {
		WorkflowDefinition definition = this.workflows.get(name);
		if (definition == null) {
			throw new UnknownWorkflowException("No workflow named '" + name + "'. Known workflows: "
					+ new TreeSet<>(this.workflows.keySet()) + ".");
		}
		return definition;
	}

	/**
	 * Returns a workflow by name.
	 * @param name the workflow's name
	 * @return the workflow, or {@code null} if there is none of that name
	 */
	public @Nullable WorkflowDefinition find(String name) {
		return this.workflows.get(name);
	}

	/**
	 * Returns all workflows.
	 * @return the workflows
	 */
	public Collection<WorkflowDefinition> all() {
		return this.workflows.values();
	}

	private static WorkflowDefinition define(String beanName, Object bean, TypeChecks contextValidator) {
		Class<?> userClass = AopProxyUtils.ultimateTargetClass(bean);
		Workflow workflow = AnnotatedElementUtils.findMergedAnnotation(userClass, Workflow.class);
		if (workflow == null) {
			throw new WorkflowDefinitionException("Bean '" + beanName + "' is registered with @Workflow but its class "
					+ userClass.getName() + " does not carry it.");
		}
		String name = StringUtils.hasText(workflow.name()) ? workflow.name() : beanName;
		String pool = WorkerPools.pool(workflow.pool(), "workflow '" + name + "' (" + userClass.getName() + ")");
		FlowLimits limits = FlowLimits.of(workflow.concurrency(), workflow.keyConcurrency(), workflow.timeout(),
				workflow.rateLimit(),
				"workflow '" + name + "' (" + userClass.getName() + ")");
		List<ScheduleDefinition> schedules = ScheduleDefinition.declaredOn(name, userClass);
		Class<?> contextType = (workflow.context() == void.class || workflow.context() == Void.class) ? null
				: workflow.context();
		if (contextType != null) {
			validateContextType(name, userClass, contextType, contextValidator);
		}
		Map<Method, Step> annotated = MethodIntrospector.selectMethods(userClass,
				(MethodIntrospector.MetadataLookup<Step>) (method) -> AnnotatedElementUtils.findMergedAnnotation(method,
						Step.class));
		Set<Method> entries = MethodIntrospector.selectMethods(userClass,
				(ReflectionUtils.MethodFilter) (method) -> AnnotatedElementUtils.hasAnnotation(method, WorkflowMethod.class));
		if (entries.size() > 1) {
			throw new WorkflowDefinitionException("Workflow '" + name + "' (" + userClass.getName() + ") has "
					+ entries.size() + " @WorkflowMethod methods: " + entries.stream().map(Method::getName).sorted().toList()
					+ ". A workflow has one entry method.");
		}
		if (entries.size() == 1) {
			Method entry = entries.iterator().next();
			if (!annotated.isEmpty()) {
				throw new WorkflowDefinitionException("Workflow '" + name + "' (" + userClass.getName()
						+ ") has both a @WorkflowMethod and @Step methods " + annotated.keySet().stream()
							.map(Method::getName).sorted().toList()
						+ ". A workflow is either a pipeline of its own @Step methods or a @WorkflowMethod that calls "
						+ "@Step methods of other beans: move the steps to a bean of their own.");
			}
			for (int i = 0; i < entry.getParameterCount(); i++) {
				String problem = contextValidator.valueProblem(entry.getGenericParameterTypes()[i]);
				if (problem != null) {
					throw new WorkflowDefinitionException("Parameter " + i + " of @WorkflowMethod " + describe(userClass,
							entry) + " of workflow '" + name + "' cannot be stored as the job's input: " + problem);
				}
			}
			String returnProblem = (entry.getReturnType() == void.class) ? null
					: contextValidator.valueProblem(entry.getGenericReturnType());
			if (returnProblem != null) {
				throw new WorkflowDefinitionException("The return type of @WorkflowMethod " + describe(userClass, entry)
						+ " of workflow '" + name + "' cannot be stored as the job's result: " + returnProblem);
			}
			Method invocable = AopUtils.selectInvocableMethod(entry, bean.getClass());
			ReflectionUtils.makeAccessible(invocable);
			return new WorkflowDefinition(name, beanName, userClass, contextType, List.of(), bean, invocable, pool,
					limits, schedules);
		}
		if (annotated.isEmpty()) {
			throw new WorkflowDefinitionException("Workflow '" + name + "' (" + userClass.getName()
					+ ") has no @Step methods and no @WorkflowMethod. Annotate the methods that make up its pipeline with "
					+ "@Step(order = ...), or its entry method with @WorkflowMethod.");
		}
		List<Map.Entry<Method, Step>> ordered = new ArrayList<>(annotated.entrySet());
		Map<String, Method> byName = new HashMap<>();
		Map<Integer, Method> byOrder = new HashMap<>();
		for (Map.Entry<Method, Step> entry : ordered) {
			Method method = entry.getKey();
			Step step = entry.getValue();
			String stepName = stepName(method, step);
			Method nameClash = byName.putIfAbsent(stepName, method);
			if (nameClash != null) {
				throw new WorkflowDefinitionException("Duplicate step name '" + stepName + "' in workflow '" + name
						+ "': " + describe(userClass, nameClash) + " and " + describe(userClass, method)
						+ ". Give one of them another @Step(name = ...).");
			}
			if (step.order() == Step.UNORDERED) {
				throw new WorkflowDefinitionException("Step '" + stepName + "' of workflow '" + name + "' ("
						+ describe(userClass, method) + ") has no order. Pipeline steps run in the order they declare: "
						+ "add @Step(order = ...).");
			}
			Method orderClash = byOrder.putIfAbsent(step.order(), method);
			if (orderClash != null) {
				throw new WorkflowDefinitionException("Duplicate step order " + step.order() + " in workflow '" + name
						+ "': " + describe(userClass, orderClash) + " and " + describe(userClass, method)
						+ ". Each step of a pipeline needs its own order.");
			}
		}
		ordered.sort(Comparator.comparingInt((Map.Entry<Method, Step> entry) -> entry.getValue().order()));
		List<StepDefinition> steps = new ArrayList<>();
		for (Map.Entry<Method, Step> entry : ordered) {
			Method declared = entry.getKey();
			Method invocable = AopUtils.selectInvocableMethod(declared, bean.getClass());
			ReflectionUtils.makeAccessible(invocable);
			String stepName = stepName(declared, entry.getValue());
			String stepPool = WorkerPools.pool(entry.getValue().pool(), "step '" + stepName + "' of workflow '" + name
					+ "' (" + describe(userClass, declared) + ")");
			steps.add(new StepDefinition(name, stepName, entry.getValue().order(), steps.size(), bean, invocable,
					declared, entry.getValue().pool().isEmpty() ? pool : stepPool,
					aliases(stepName, name, declared, entry.getValue()),
					FlowLimits.annotationRate("Step", entry.getValue().rateLimit(), "step '" + stepName
							+ "' of workflow '" + name + "' (" + describe(userClass, declared) + ")")));
		}
		Map<String, StepDefinition> names = new HashMap<>();
		steps.forEach((step) -> names.put(step.name(), step));
		for (StepDefinition step : steps) {
			for (String alias : step.aliases()) {
				StepDefinition other = names.putIfAbsent(alias, step);
				if (other != null && other != step) {
					throw aliasClash(alias, step, other, "the steps of workflow '" + name + "'");
				}
			}
		}
		return new WorkflowDefinition(name, beanName, userClass, contextType, steps, bean, null, pool, limits,
				schedules);
	}

	private static void validateContextType(String workflow, Class<?> userClass, Class<?> contextType,
			TypeChecks contextValidator) {
		String where = "Step context " + contextType.getName() + " of workflow '" + workflow + "' ("
				+ userClass.getName() + ")";
		if (!contextType.isRecord()) {
			Set<String> mutable = new TreeSet<>();
			for (Class<?> type = contextType; type != null && type != Object.class; type = type.getSuperclass()) {
				for (Field field : type.getDeclaredFields()) {
					if (!Modifier.isStatic(field.getModifiers()) && !Modifier.isFinal(field.getModifiers())) {
						mutable.add(field.getName());
					}
				}
			}
			if (contextType.isInterface() || Modifier.isAbstract(contextType.getModifiers()) || !mutable.isEmpty()) {
				throw new WorkflowDefinitionException(where + " must be immutable, so that steps can only read it: "
						+ "use a record, or a concrete class whose fields are all final"
						+ (mutable.isEmpty() ? "." : " (not final: " + String.join(", ", mutable) + ")."));
			}
		}
		String problem = contextValidator.contextProblem(contextType);
		if (problem != null) {
			throw new WorkflowDefinitionException(where + " cannot be serialised to JSON and back: " + problem);
		}
	}

	private static String stepName(Method method, Step step) {
		return StringUtils.hasText(step.name()) ? step.name() : method.getName();
	}

	private static String describe(Class<?> userClass, Method method) {
		return userClass.getName() + "#" + method.getName();
	}

	/**
	 * Checks that types can be written as JSON and read back.
	 */
	public interface TypeChecks {

		/**
		 * Returns what stops a step context type from being written as JSON and read back.
		 * @param contextType the type
		 * @return the problem, or {@code null} if there is none
		 */
		@Nullable String contextProblem(Class<?> contextType);

		/**
		 * Returns what stops values of a type (an input or a result) from being written as JSON and read back.
		 * @param type the type
		 * @return the problem, or {@code null} if there is none
		 */
		@Nullable String valueProblem(java.lang.reflect.Type type);

	}

}

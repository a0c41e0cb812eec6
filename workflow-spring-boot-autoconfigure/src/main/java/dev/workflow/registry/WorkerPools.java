package dev.workflow.registry;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.WorkflowConfigurationException;
import dev.workflow.api.WorkflowDefinitionException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;

/**
 * Worker pools: the names of the queues that steps are routed to, so that each runs on an instance that serves its
 * pool. The default pool, named {@code ""}, is the one of workflows and steps that name none.
 */
public final class WorkerPools {

	/** The name of the default pool. */
	public static final String DEFAULT = "";

	/** The name that stands for the default pool in properties and annotations. */
	public static final String DEFAULT_NAME = "default";

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

	private WorkerPools() {
	}

	/**
	 * Says what is wrong with a pool's name.
	 * @param pool the name
	 * @return the problem, or {@code null} if the name is valid
	 */
	public static @Nullable String problem(String pool) {
		return NAME.matcher(pool).matches() ? null
				: "'" + pool + "' is not a valid pool name: use letters, digits, '.', '_' and '-' only, and at least "
						+ "one of them";
	}

	/**
	 * Reads a pool's name from a property ({@code workflow.worker.pools}, the keys of {@code workflow.pools}).
	 * @param pool the name, {@value #DEFAULT_NAME} for the default pool
	 * @param property the property, for the message
	 * @return the pool, {@link #DEFAULT} for the default pool
	 * @throws WorkflowConfigurationException if the name is invalid
	 */
	public static String fromProperty(String pool, String property) {
		String name = pool.trim();
		if (name.equals(DEFAULT_NAME)) {
			return DEFAULT;
		}
		String problem = problem(name);
		if (problem != null) {
			throw new WorkflowConfigurationException(property + " names an invalid worker pool: " + problem
					+ " (\"" + DEFAULT_NAME + "\" names the default pool).");
		}
		return name;
	}

	/**
	 * Describes a pool for messages.
	 * @param pool the pool's name
	 * @return {@code pool 'gpu'}, or {@code the default pool}
	 */
	public static String describe(String pool) {
		return pool.isEmpty() ? "the default pool" : "pool '" + pool + "'";
	}

	/**
	 * Returns the pools named by the workflow and step beans of a bean factory, found from their types before they
	 * are created, so that their queues can be declared first:
	 * <ul>
	 * <li>the pool of each workflow method's workflow, and of each pipeline step (its own or its workflow's);</li>
	 * <li>the own pool of each step that workflow methods call (one that names none runs in its caller's pool);</li>
	 * <li>the default pool, when nothing else was found: an instance without workflows, whose steps (if any) name no
	 * pool, serves the default pool as it did before pools existed.</li>
	 * </ul>
	 * @param beanFactory the bean factory
	 * @return the pools, sorted, {@link #DEFAULT} included if it is one of them
	 * @throws WorkflowDefinitionException if a name is invalid
	 */
	public static Set<String> scan(ListableBeanFactory beanFactory) {
		Set<String> pools = new TreeSet<>();
		for (String beanName : beanFactory.getBeanDefinitionNames()) {
			Class<?> type = beanFactory.getType(beanName, false);
			if (type == null || !AnnotationUtils.isCandidateClass(type, Step.class)) {
				continue;
			}
			Class<?> userClass = ClassUtils.getUserClass(type);
			Workflow workflow = AnnotatedElementUtils.findMergedAnnotation(userClass, Workflow.class);
			Map<Method, Step> steps = MethodIntrospector.selectMethods(userClass,
					(MethodIntrospector.MetadataLookup<Step>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, Step.class));
			if (workflow != null) {
				String workflowPool = pool(workflow.pool(), userClass.getName());
				boolean orchestrated = !MethodIntrospector
					.selectMethods(userClass,
							(org.springframework.util.ReflectionUtils.MethodFilter) (method) -> AnnotatedElementUtils
								.hasAnnotation(method, WorkflowMethod.class))
					.isEmpty();
				if (orchestrated) {
					pools.add(workflowPool);
				}
				steps.forEach((method, step) -> pools
					.add(step.pool().isEmpty() ? workflowPool : pool(step.pool(), describe(userClass, method))));
			}
			else {
				steps.forEach((method, step) -> {
					if (!step.pool().isEmpty()) {
						pools.add(pool(step.pool(), describe(userClass, method)));
					}
				});
			}
		}
		if (pools.isEmpty()) {
			pools.add(DEFAULT);
		}
		return pools;
	}

	/**
	 * Validates a pool named by an annotation.
	 * @param pool the name, {@code ""} for none
	 * @param where the class or method that names it
	 * @return the name
	 * @throws WorkflowDefinitionException if it is invalid
	 */
	static String pool(String pool, String where) {
		if (pool.isEmpty() || pool.equals(DEFAULT_NAME)) {
			return DEFAULT;
		}
		String problem = problem(pool);
		if (problem != null) {
			throw new WorkflowDefinitionException("The pool of " + where + " is invalid: " + problem + ".");
		}
		return pool;
	}

	/**
	 * Checks that the queue of every pool the registry's workflows and steps run in has been declared.
	 * @param registry the registry
	 * @param declared the pools whose queues are declared
	 * @throws WorkflowDefinitionException if one is missing
	 */
	public static void checkDeclared(WorkflowRegistry registry, Set<String> declared) {
		Set<String> missing = new TreeSet<>(registry.pools());
		missing.removeAll(declared);
		if (!missing.isEmpty()) {
			throw new WorkflowDefinitionException("Workflows or steps of this application run in the worker pools "
					+ missing + ", whose queues were not declared: the types of their beans were not known before the "
					+ "beans were created (a @Bean method that returns an interface, say). Let the @Bean method "
					+ "return the bean's class, or list the pools in workflow.worker.pools.");
		}
	}

	private static String describe(Class<?> userClass, Method method) {
		return "step " + userClass.getName() + "#" + method.getName();
	}

}

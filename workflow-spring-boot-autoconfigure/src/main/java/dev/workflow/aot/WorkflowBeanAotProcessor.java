package dev.workflow.aot;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * What the engine reflects on in the application's beans, for a native image: every {@code @Step} and
 * {@code @WorkflowMethod} method (invoked by reflection), the types of their parameters and results and the
 * workflows' step context types (read and written as JSON). Found from the bean definitions at build time, as the
 * engine finds them at start-up.
 */
class WorkflowBeanAotProcessor implements BeanFactoryInitializationAotProcessor {

	@Override
	public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
			ConfigurableListableBeanFactory beanFactory) {
		Set<Class<?>> types = new LinkedHashSet<>();
		for (String name : beanFactory.getBeanDefinitionNames()) {
			Class<?> type = beanFactory.getType(name, false);
			if (type == null) {
				continue;
			}
			Class<?> userClass = ClassUtils.getUserClass(type);
			if (AnnotatedElementUtils.hasAnnotation(userClass, Workflow.class)
					|| AnnotationUtils.isCandidateClass(userClass, Step.class)
							&& !methods(userClass).isEmpty()) {
				types.add(userClass);
			}
		}
		if (types.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> registerHints(generationContext.getRuntimeHints(), types);
	}

	/**
	 * Registers the hints of workflow and step beans.
	 * @param hints the hints
	 * @param types the beans' classes
	 */
	static void registerHints(RuntimeHints hints, Iterable<Class<?>> types) {
		BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();
		for (Class<?> type : types) {
			Workflow workflow = AnnotatedElementUtils.findMergedAnnotation(type, Workflow.class);
			if (workflow != null && workflow.context() != void.class) {
				bindings.registerReflectionHints(hints.reflection(), workflow.context());
			}
			for (Method method : methods(type)) {
				hints.reflection().registerMethod(method, ExecutableMode.INVOKE);
				List<Type> values = new ArrayList<>(List.of(method.getGenericParameterTypes()));
				values.add(method.getGenericReturnType());
				bindings.registerReflectionHints(hints.reflection(), values.toArray(Type[]::new));
			}
		}
	}

	private static Set<Method> methods(Class<?> type) {
		return MethodIntrospector.selectMethods(type,
				(ReflectionUtils.MethodFilter) (method) -> AnnotatedElementUtils.hasAnnotation(method, Step.class)
						|| AnnotatedElementUtils.hasAnnotation(method, WorkflowMethod.class));
	}

}

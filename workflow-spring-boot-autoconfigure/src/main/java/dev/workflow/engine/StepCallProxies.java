package dev.workflow.engine;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;

import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Wraps beans with {@code @Step} methods (other than pipeline workflows) in a proxy, so that a workflow method's
 * calls of their steps reach the engine. An existing Spring proxy gets the advice added in front of its own.
 */
public class StepCallProxies extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	private static final long serialVersionUID = 1L;

	public StepCallProxies() {
		this.advisor = new DefaultPointcutAdvisor(new AnnotationMatchingPointcut(null, Step.class, true),
				new StepCallInterceptor());
		setBeforeExistingAdvisors(true);
		setProxyTargetClass(true);
	}

	@Override
	protected boolean isEligible(Class<?> targetClass) {
		return !AnnotatedElementUtils.hasAnnotation(targetClass, Workflow.class) && super.isEligible(targetClass);
	}

}

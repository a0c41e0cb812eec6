package dev.workflow.testing;

import java.util.Map;
import java.util.UUID;


import dev.workflow.engine.DefaultWorkflowSchedules;
import dev.workflow.engine.WorkflowEngine;
import dev.workflow.store.JobStatistics;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Sets up each context of a {@link WorkflowTest @WorkflowTest} class before it refreshes: names of its own for the
 * exchange, the queues and the database schema (a fresh suffix per context, so that two contexts never share them),
 * retries without jitter unless the test's own properties ask for it, and the beans of the test support.
 */
final class WorkflowTestContextCustomizer implements ContextCustomizer {

	static final String PROPERTY_SOURCE_NAME = "workflowTest";

	static final String DEFAULTS_SOURCE_NAME = "workflowTestDefaults";

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration merged) {
		String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		String schema = "wf_test_" + suffix;
		String prefix = "workflow.test-" + suffix;
		MutablePropertySources sources = context.getEnvironment().getPropertySources();
		sources.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME,
				Map.of("workflow.broker.exchange", prefix, "workflow.broker.step-queue", prefix + ".steps",
						"workflow.broker.parking-queue", prefix + ".steps.parked")));
		// Retries fall due when their back-off says, so that a test knows how far to move the time; the test's own
		// properties may say otherwise, the application's may not.
		MapPropertySource defaults = new MapPropertySource(DEFAULTS_SOURCE_NAME, Map.of("workflow.retry.jitter", "0"));
		if (sources.contains(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME)) {
			sources.addAfter(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, defaults);
		}
		else {
			sources.addAfter(PROPERTY_SOURCE_NAME, defaults);
		}
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (!(beanFactory instanceof BeanDefinitionRegistry registry)) {
			throw new IllegalStateException("@WorkflowTest needs a bean factory that takes bean definitions, not "
					+ beanFactory.getClass().getName());
		}
		RootBeanDefinition isolation = new RootBeanDefinition(WorkflowTestIsolation.class,
				() -> new WorkflowTestIsolation(schema));
		isolation.setRole(RootBeanDefinition.ROLE_INFRASTRUCTURE);
		registry.registerBeanDefinition("workflowTestIsolation", isolation);
		registry.registerBeanDefinition(WorkflowTestIsolation.Cleanup.BEAN_NAME,
				new RootBeanDefinition(WorkflowTestIsolation.Cleanup.class,
						() -> new WorkflowTestIsolation.Cleanup(schema, beanFactory)));
		RootBeanDefinition clock = new RootBeanDefinition(TestClock.class, TestClock::new);
		clock.setPrimary(true);
		registry.registerBeanDefinition("workflowTestClock", clock);
		registry.registerBeanDefinition("workflowTestTime", new RootBeanDefinition(WorkflowTestTime.class,
				() -> new WorkflowTestTime(beanFactory.getBean("workflowTestClock", TestClock.class),
						beanFactory.getBeanProvider(WorkflowEngine.class),
						beanFactory.getBeanProvider(JobStatistics.class),
						beanFactory.getBeanProvider(DefaultWorkflowSchedules.class))));
		registry.registerBeanDefinition("workflowTestEvents",
				new RootBeanDefinition(WorkflowTestEvents.class, WorkflowTestEvents::new));
	}

	@Override
	public boolean equals(Object other) {
		// Every context of @WorkflowTest classes is set up alike: the customizer leaves the context cache's keys as
		// the rest of the configuration makes them.
		return other instanceof WorkflowTestContextCustomizer;
	}

	@Override
	public int hashCode() {
		return WorkflowTestContextCustomizer.class.hashCode();
	}

}

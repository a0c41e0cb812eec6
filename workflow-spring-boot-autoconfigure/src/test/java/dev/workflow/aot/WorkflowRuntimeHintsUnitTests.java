package dev.workflow.aot;

import java.util.List;
import java.util.Map;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.UserContext;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Job;
import dev.workflow.transport.StepMessage;
import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints a native image needs: the engine's resources and JSON types, and the application's workflow and step
 * methods with the types they take and return.
 */
class WorkflowRuntimeHintsUnitTests {

	private static final String MIGRATIONS = "dev/workflow/store/migration/";

	@Test
	void theEnginesMigrationsDashboardAndJsonTypesAreHinted() {
		RuntimeHints hints = new RuntimeHints();
		new WorkflowRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.resource().forResource(MIGRATIONS + "V1__jobs.sql")).accepts(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource(MIGRATIONS + "V26__rate_limit_scopes.sql"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("dev/workflow/web/dashboard/index.html"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("dev/workflow/web/dashboard/assets/dashboard.js"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(StepMessage.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Job.class)).accepts(hints);
	}

	@Test
	void theRegistrarAndTheProcessorAreDeclaredForAheadOfTimeProcessing() {
		SpringFactoriesLoader aot = SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories");
		assertThat(aot.load(RuntimeHintsRegistrar.class))
			.hasAtLeastOneElementOfType(WorkflowRuntimeHints.class);
		assertThat(aot.load(BeanFactoryInitializationAotProcessor.class))
			.hasAtLeastOneElementOfType(WorkflowBeanAotProcessor.class);
	}

	@Test
	void theApplicationsStepMethodsTheirTypesAndStepContextsAreHinted() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("pipeline", new RootBeanDefinition(Pipeline.class));
		beanFactory.registerBeanDefinition("orchestration", new RootBeanDefinition(Orchestration.class));
		beanFactory.registerBeanDefinition("steps", new RootBeanDefinition(Steps.class));
		beanFactory.registerBeanDefinition("other", new RootBeanDefinition(String.class));
		BeanFactoryInitializationAotContribution contribution = new WorkflowBeanAotProcessor()
			.processAheadOfTime(beanFactory);
		assertThat(contribution).isNotNull();
		DefaultGenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("com.example", "Application")), new InMemoryGeneratedFiles());
		contribution.applyTo(generation, null);
		RuntimeHints hints = generation.getRuntimeHints();
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Pipeline.class, "price")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Orchestration.class, "run")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Steps.class, "ship")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Pipeline.class, "helper")).rejects(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Order.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Quote.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Shipment.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Tenant.class)).accepts(hints);
	}

	@Test
	void anApplicationWithoutWorkflowsContributesNothing() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("other", new RootBeanDefinition(String.class));
		assertThat(new WorkflowBeanAotProcessor().processAheadOfTime(beanFactory)).isNull();
	}

	record Order(String id, List<String> items) {
	}

	record Quote(String order, long cents) {
	}

	record Shipment(String tracking) {
	}

	record Tenant(String name) {
	}

	@Workflow(name = "pricing", context = Tenant.class)
	static class Pipeline {

		@Step(order = 1)
		public Quote price(Order order, @UserContext Map<String, Object> context) {
			return new Quote(order.id(), 100);
		}

		public String helper() {
			return "not a step";
		}

	}

	@Workflow(name = "shipping")
	static class Orchestration {

		@WorkflowMethod
		public Shipment run(Order order) {
			return new Shipment(order.id());
		}

	}

	static class Steps {

		@Step(name = "ship")
		public Shipment ship(Quote quote) {
			return new Shipment(quote.order());
		}

	}

}

package dev.workflow.registry;

import java.util.Set;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.WorkflowConfigurationException;
import dev.workflow.api.WorkflowDefinitionException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the registry resolves the worker pool of each step, and how pool names are validated; no servers.
 */
class WorkerPoolsUnitTests {

	private static final WorkflowRegistry.TypeChecks ANY_TYPE = new WorkflowRegistry.TypeChecks() {

		@Override
		public @Nullable String contextProblem(Class<?> contextType) {
			return null;
		}

		@Override
		public @Nullable String valueProblem(java.lang.reflect.Type type) {
			return null;
		}

	};

	@Test
	void pipelineStepsRunInTheirOwnPoolElseInTheirWorkflowsAndEngineEntriesInTheWorkflows() {
		WorkflowRegistry registry = WorkflowRegistry.discover(factory(Reports.class, Plain.class), ANY_TYPE);
		WorkflowDefinition reports = registry.require("reports");
		assertThat(reports.pool()).isEqualTo("reports");
		assertThat(reports.step("render").pool()).isEqualTo("gpu");
		assertThat(registry.pool(reports, "render")).isEqualTo("gpu");
		assertThat(registry.pool(reports, "collect")).isEqualTo("reports");
		assertThat(registry.pool(reports, "toDefault")).as("\"default\" names the default pool")
			.isEqualTo(WorkerPools.DEFAULT);
		assertThat(registry.pool(reports, "unknown")).isEqualTo("reports");
		WorkflowDefinition plain = registry.require("plain");
		assertThat(plain.pool()).isEqualTo(WorkerPools.DEFAULT);
		assertThat(registry.pool(plain, "only")).isEqualTo(WorkerPools.DEFAULT);
		assertThat(registry.pools()).containsExactly("", "gpu", "reports");
	}

	@Test
	void stepsThatWorkflowMethodsCallRunInTheirOwnPoolElseInTheCallersPool() {
		WorkflowRegistry registry = WorkflowRegistry.discover(factory(Calling.class, CalledSteps.class), ANY_TYPE);
		WorkflowDefinition calling = registry.require("calling");
		assertThat(registry.callableStep("onGpu").pool()).isEqualTo("gpu");
		assertThat(registry.callableStep("anywhere").pool()).as("its caller's").isNull();
		assertThat(registry.callableStep("onDefault").pool()).isEqualTo(WorkerPools.DEFAULT);
		assertThat(registry.pool(calling, "onDefault")).isEqualTo(WorkerPools.DEFAULT);
		assertThat(registry.pool(calling, "onGpu")).isEqualTo("gpu");
		assertThat(registry.pool(calling, "anywhere")).isEqualTo("batch");
		assertThat(registry.pool(calling, "workflow.sleep")).isEqualTo("batch");
		assertThat(registry.pools()).containsExactly("", "batch", "gpu");
	}

	@Test
	void theScanFindsThePoolsFromTheBeansTypesBeforeTheyAreCreated() {
		DefaultListableBeanFactory factory = factory(Reports.class, Calling.class, CalledSteps.class);
		assertThat(WorkerPools.scan(factory)).containsExactly("", "batch", "gpu", "reports");
		assertThat(factory.getSingletonNames()).as("no bean created").isEmpty();
		assertThat(WorkerPools.scan(factory(CalledSteps.class))).containsExactly("", "gpu");
		assertThat(WorkerPools.scan(factory(Anywhere.class))).as("nothing names a pool: the default pool")
			.containsExactly("");
		assertThat(WorkerPools.scan(new DefaultListableBeanFactory())).containsExactly("");
	}

	@Test
	void invalidPoolNamesFailTheStartNamingTheCulprit() {
		assertThatThrownBy(() -> WorkflowRegistry.discover(factory(BadWorkflowPool.class), ANY_TYPE))
			.isInstanceOf(WorkflowDefinitionException.class)
			.hasMessageContaining("The pool of workflow 'bad_pool' (" + BadWorkflowPool.class.getName() + ")")
			.hasMessageContaining("'gpu pool' is not a valid pool name");
		assertThatThrownBy(() -> WorkflowRegistry.discover(factory(BadStepPool.class), ANY_TYPE))
			.isInstanceOf(WorkflowDefinitionException.class)
			.hasMessageContaining("The pool of step 'step' of workflow 'bad_step_pool' ("
					+ BadStepPool.class.getName() + "#step)")
			.hasMessageContaining("'a/b' is not a valid pool name");
		assertThatThrownBy(() -> WorkerPools.scan(factory(BadStepPool.class)))
			.isInstanceOf(WorkflowDefinitionException.class)
			.hasMessageContaining("'a/b' is not a valid pool name");
	}

	@Test
	void poolNamesInPropertiesAreValidatedAndDefaultNamesTheDefaultPool() {
		assertThat(WorkerPools.fromProperty("gpu-2.large_x", "workflow.worker.pools")).isEqualTo("gpu-2.large_x");
		assertThat(WorkerPools.fromProperty(" a ", "workflow.worker.pools")).isEqualTo("a");
		assertThat(WorkerPools.fromProperty("default", "workflow.worker.pools")).isEqualTo(WorkerPools.DEFAULT);
		assertThatExceptionOfType(WorkflowConfigurationException.class)
			.isThrownBy(() -> WorkerPools.fromProperty(" ", "workflow.worker.pools"))
			.withMessageStartingWith("workflow.worker.pools names an invalid worker pool: '' is not a valid pool name");
		assertThatExceptionOfType(WorkflowConfigurationException.class)
			.isThrownBy(() -> WorkerPools.fromProperty("a*", "workflow.pools"))
			.withMessageStartingWith("workflow.pools names an invalid worker pool: 'a*'");
	}

	@Test
	void aPoolWhoseQueueWasNotDeclaredFailsTheStart() {
		WorkflowRegistry registry = WorkflowRegistry.discover(factory(Reports.class), ANY_TYPE);
		WorkerPools.checkDeclared(registry, Set.of("", "gpu", "reports"));
		assertThatThrownBy(() -> WorkerPools.checkDeclared(registry, Set.of("", "reports")))
			.isInstanceOf(WorkflowDefinitionException.class)
			.hasMessageContaining("run in the worker pools [gpu], whose queues were not declared");
	}

	private static DefaultListableBeanFactory factory(Class<?>... types) {
		DefaultListableBeanFactory factory = new DefaultListableBeanFactory();
		for (Class<?> type : types) {
			factory.registerBeanDefinition(type.getSimpleName(), new RootBeanDefinition(type));
		}
		return factory;
	}

	@Workflow(name = "reports", pool = "reports")
	static class Reports {

		@Step(order = 1)
		int collect(int input) {
			return input;
		}

		@Step(order = 2, pool = "gpu")
		int render(int input) {
			return input;
		}

		@Step(order = 3, pool = "default")
		int toDefault(int input) {
			return input;
		}

	}

	@Workflow(name = "plain")
	static class Plain {

		@Step(order = 1)
		int only(int input) {
			return input;
		}

	}

	@Workflow(name = "calling", pool = "batch")
	static class Calling {

		@WorkflowMethod
		public int run(int input) {
			return input;
		}

	}

	static class CalledSteps {

		@Step(pool = "gpu")
		public int onGpu(int input) {
			return input;
		}

		@Step
		public int anywhere(int input) {
			return input;
		}

		@Step(pool = "default")
		public int onDefault(int input) {
			return input;
		}

	}

	static class Anywhere {

		@Step
		public int anywhere(int input) {
			return input;
		}

	}

	@Workflow(name = "bad_pool", pool = "gpu pool")
	static class BadWorkflowPool {

		@Step(order = 1)
		int step(int input) {
			return input;
		}

	}

	@Workflow(name = "bad_step_pool")
	static class BadStepPool {

		@Step(order = 1, pool = "a/b")
		int step(int input) {
			return input;
		}

	}

}

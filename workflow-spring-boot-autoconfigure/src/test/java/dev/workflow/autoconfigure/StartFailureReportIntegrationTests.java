package dev.workflow.autoconfigure;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.test.TestApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The report Spring Boot prints when the engine stops a start: an invalid workflow definition, a data source that is
 * not PostgreSQL, an invalid property. Each names what is wrong and what to do, without a stack trace to read.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartFailureReportIntegrationTests {

	@Test
	void whenAWorkflowDefinitionIsInvalidThenTheReportNamesTheWorkflowTheAttributeAndTheValue(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(TestApplication.class,
				InvalidDefinition.class)
			.run());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid workflow definition: @Workflow(concurrency = -2) of workflow 'minus_two'")
			.contains("Correct the @Workflow, @Step, @WorkflowMethod or @WorkflowSchedule declaration named above");
	}

	@Test
	void whenTheDataSourceIsNotPostgreSqlThenTheReportSaysWhatToUse(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(TestApplication.class)
			.run("--spring.datasource.url=jdbc:h2:mem:not-postgres", "--spring.datasource.username=sa"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The workflow engine keeps its jobs in PostgreSQL, but the application's data source is H2 ")
			.contains("jdbc:h2:mem:not-postgres")
			.contains("Point spring.datasource.url at a PostgreSQL database");
	}

	@Test
	void whenAPropertyIsOutOfRangeThenTheReportNamesItAndItsValue(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(TestApplication.class)
			.run("--workflow.worker.chain-steps=-1"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("workflow.worker.chain-steps must be 0 or more, not -1")
			.contains("Correct the property named above");
	}

	@Test
	void whenANumericPropertyIsOutOfRangeThenItIsRefusedAsItIsBound(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(TestApplication.class)
			.run("--workflow.retry.jitter=1.5"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("workflow.retry.jitter")
			.contains("must be from 0 to 1 (a share of each wait), not 1.5");
	}

	@Test
	void whenAPoolsConcurrencyIsBelowOneThenItIsRefusedAsItIsBound(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(TestApplication.class)
			.run("--workflow.pools.gpu.concurrency=0"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("workflow.pools.gpu.concurrency")
			.contains("must be 1 or more, not 0");
	}

	@Configuration(proxyBeanMethods = false)
	static class InvalidDefinition {

		@Bean
		MinusTwo minusTwo() {
			return new MinusTwo();
		}

	}

	@Workflow(name = "minus_two", concurrency = -2)
	static class MinusTwo {

		@Step(order = 1)
		public String only(String input) {
			return input;
		}

	}

}

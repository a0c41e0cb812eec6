package dev.workflow.engine;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.StepContext;
import dev.workflow.annotation.UserContext;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.JobInfo;
import dev.workflow.api.StepArgumentResolver;
import dev.workflow.api.WorkflowDefinitionException;
import dev.workflow.engine.EngineFixtures.TestWorkflows;
import dev.workflow.registry.WorkflowDefinition;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;

import static dev.workflow.engine.EngineFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How a step method gets its arguments (user context, step context, {@link JobInfo}, the application's resolvers,
 * the input, in that order), how its input converts, and what its {@code @Step} attributes make of its retry policy
 * and timeout. No servers.
 */
class StepInvokerUnitTests {

	private static final JobInfo JOB_INFO = new JobInfo(UUID.randomUUID(), "order", "take", 2, UUID.randomUUID());

	/** Supplies a Tenant, from the job's identity. */
	private static final StepArgumentResolver TENANTS = new StepArgumentResolver() {

		@Override
		public boolean supportsParameter(MethodParameter parameter) {
			return parameter.getParameterType() == Tenant.class;
		}

		@Override
		public Object resolveArgument(MethodParameter parameter, JobInfo jobInfo) {
			return new Tenant("t-" + jobInfo.workflow());
		}

	};

	private static TestWorkflows workflows;

	private static WorkflowDefinition order;

	@BeforeAll
	static void discover() {
		workflows = EngineFixtures.workflows(Beans.class);
		order = workflows.require("order");
	}

	@AfterAll
	static void close() {
		workflows.close();
	}

	@Test
	void eachParameterGetsItsSourceAndTheInputConvertsToItsType() throws Throwable {
		StepInvoker invoker = bind("take", List.of(TENANTS));

		Object result = invoker.invoke(new StepCall(JOB_INFO, JSON.parse("{\"id\":\"o-1\",\"amount\":12}"),
				JSON.parse("{\"stage\":\"paid\"}"), JSON.parse("{\"region\":\"eu\"}")));

		assertThat(result).isEqualTo("o-1/12/eu/paid/take#2/t-order");
	}

	@Test
	void theEnginesSourcesComeBeforeTheApplicationsResolversAndTheResolversBeforeTheInput() throws Throwable {
		StepArgumentResolver everything = new StepArgumentResolver() {

			@Override
			public boolean supportsParameter(MethodParameter parameter) {
				return true;
			}

			@Override
			public Object resolveArgument(MethodParameter parameter, JobInfo jobInfo) {
				return (parameter.getParameterType() == Tenant.class) ? new Tenant("any") : "resolved";
			}

		};
		Object contexts = bind("contexts", List.of(everything)).invoke(new StepCall(JOB_INFO, null,
				JSON.parse("{\"stage\":\"paid\"}"), JSON.parse("{\"region\":\"eu\"}")));
		assertThat(contexts).as("the resolver supplies only what the engine does not, and takes the input's place")
			.isEqualTo("eu/paid/take/resolved");
	}

	@Test
	void whenAPrimitiveInputIsNullThenTheStepInputExceptionNamesTheParameter() {
		StepInvoker invoker = bind("count", List.of());

		assertThatExceptionOfType(StepInputException.class)
			.isThrownBy(() -> invoker.invoke(new StepCall(JOB_INFO, null, null, null)))
			.withMessageStartingWith("The input is null, but Parameter 0 'n' of step 'count'")
			.withMessageEndingWith("is a primitive int");
	}

	@Test
	void whenTheInputDoesNotConvertThenTheStepInputExceptionSaysToWhatForWhichParameter() {
		StepInvoker invoker = bind("count", List.of());

		assertThatExceptionOfType(StepInputException.class)
			.isThrownBy(() -> invoker.invoke(new StepCall(JOB_INFO, JSON.parse("\"many\""), null, null)))
			.withMessageStartingWith("The input does not convert to int for Parameter 0 'n' of step 'count'");
	}

	@Test
	void theStepsAttributesMakeItsRetryPolicyAndTimeoutOverTheDefaults() {
		RetryPolicy defaults = EngineFixtures.settings().defaultRetryPolicy();

		StepInvoker count = bind("count", List.of());

		assertThat(count.retryPolicy()).isEqualTo(new RetryPolicy(7, Duration.ofSeconds(2), 3, Duration.ofMinutes(1),
				defaults.jitter(), List.of(IllegalArgumentException.class)));
		assertThat(count.timeout()).isEqualTo(Duration.ofSeconds(90));
		StepInvoker take = bind("take", List.of(TENANTS));
		assertThat(take.retryPolicy()).isEqualTo(defaults);
		assertThat(take.timeout()).isEqualTo(EngineFixtures.settings().stepTimeout());
	}

	@Test
	void whatTheStepThrowsIsThrownAsItIs() {
		StepInvoker invoker = bind("throwing", List.of());

		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> invoker.invoke(new StepCall(JOB_INFO, JSON.parse("\"x\""), null, null)))
			.withMessage("disk full");
	}

	@Test
	void whenTwoParametersWouldTakeTheInputThenBindingFailsSayingWhatToDo() {
		assertThatExceptionOfType(WorkflowDefinitionException.class).isThrownBy(() -> bind("twoInputs", List.of()))
			.withMessageStartingWith("Parameter 0 'a' of step 'twoInputs'")
			.withMessageContaining("already takes the step's input, and no resolver supplies Parameter 1 'b'")
			.withMessageContaining("A step takes at most one input parameter");
	}

	@Test
	void whenADurationAttributeIsNotADurationThenBindingFailsShowingHowToWriteOne() {
		assertThatExceptionOfType(WorkflowDefinitionException.class).isThrownBy(() -> bind("badDuration", List.of()))
			.withMessageStartingWith("@Step(maxDelay = \"soon\") of step 'badDuration'")
			.withMessageEndingWith("is not a duration: write it as 500ms, 30s, 5m or PT30S.");
	}

	@Test
	void whetherTheLongestRetryWaitFitsIsCheckedAgainstTheEnginesClock() {
		assertThatExceptionOfType(WorkflowDefinitionException.class).isThrownBy(() -> bind("tooLong", List.of()))
			.withMessageStartingWith("@Step(maxDelay = \"3650000d\") of step 'tooLong'")
			.withMessageContaining("is too long for a retry's due time: it would end after 9999-12-31T23:59:59Z");
		assertThat(bind("twoDays", List.of()).retryPolicy().maxDelay()).isEqualTo(Duration.ofDays(2));
		Clock late = Clock.fixed(Instant.parse("9999-12-30T00:00:00Z"), ZoneOffset.UTC);
		assertThatExceptionOfType(WorkflowDefinitionException.class)
			.isThrownBy(() -> StepInvoker.bind(order, order.step("twoDays"), JSON, List.of(),
					EngineFixtures.settings(late)))
			.withMessageContaining("@Step(maxDelay = \"2d\") of step 'twoDays'");
	}

	@Test
	void whenTheStepContextParameterCannotHoldTheWorkflowsContextThenBindingFails() {
		assertThatExceptionOfType(WorkflowDefinitionException.class).isThrownBy(() -> bind("wrongContext", List.of()))
			.withMessageContaining("is annotated @StepContext but is of type java.lang.String, which cannot hold "
					+ "workflow 'order''s context type " + OrderContext.class.getName());
	}

	@Test
	void whenTheWorkflowDeclaresNoContextThenAStepContextParameterFailsTheBinding() {
		WorkflowDefinition plain = workflows.require("plain");

		assertThatExceptionOfType(WorkflowDefinitionException.class)
			.isThrownBy(() -> StepInvoker.bind(plain, plain.step("needsContext"), JSON, List.of(),
					EngineFixtures.settings()))
			.withMessageEndingWith("is annotated @StepContext, but workflow 'plain' declares no context type: add "
					+ "@Workflow(context = ...).");
	}

	@Test
	void aStepThatWorkflowMethodsCallTakesEachArgumentFromItsElementOfTheInput() throws Throwable {
		StepInvoker charge = StepInvoker.bindCallable(workflows.registry().callableStep("charge"), JSON, List.of(),
				EngineFixtures.settings());

		JsonNode input = charge.input(new Object[] { "o-1", Map.of("ignored", true), 3 }, JSON);

		assertThat(input).as("the user context is the engine's to supply, not part of the input")
			.hasToString("[\"o-1\",3]");
		assertThat(charge.invoke(new StepCall(JOB_INFO, input, null, JSON.parse("{\"region\":\"eu\"}"))))
			.isEqualTo("o-1x3@eu");
	}

	private static StepInvoker bind(String step, List<StepArgumentResolver> resolvers) {
		return StepInvoker.bind(order, order.step(step), JSON, resolvers, EngineFixtures.settings());
	}

	/**
	 * The step context of the order workflow.
	 * @param stage where the order is
	 */
	public record OrderContext(String stage) {
	}

	/**
	 * A job's input.
	 * @param id the order's id
	 * @param amount its amount
	 */
	public record Order(String id, int amount) {
	}

	/**
	 * What an application's resolver supplies.
	 * @param name the tenant's name
	 */
	public record Tenant(String name) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Beans {

		@Bean
		OrderWorkflow orderWorkflow() {
			return new OrderWorkflow();
		}

		@Bean
		PlainWorkflow plainWorkflow() {
			return new PlainWorkflow();
		}

		@Bean
		Payments payments() {
			return new Payments();
		}

	}

	@Workflow(name = "order", context = OrderContext.class)
	public static class OrderWorkflow {

		@Step(order = 1)
		public String take(Order order, @UserContext Map<String, Object> user, @StepContext OrderContext context,
				JobInfo info, Tenant tenant) {
			return order.id() + "/" + order.amount() + "/" + user.get("region") + "/" + context.stage() + "/"
					+ info.step() + "#" + info.attempt() + "/" + tenant.name();
		}

		@Step(order = 2)
		public String contexts(@UserContext Map<String, Object> user, @StepContext OrderContext context, JobInfo info,
				String other) {
			return user.get("region") + "/" + context.stage() + "/" + info.step() + "/" + other;
		}

		@Step(order = 3, maxAttempts = 7, initialDelay = "2s", multiplier = 3, maxDelay = "1m", timeout = "90s",
				noRetryFor = IllegalArgumentException.class)
		public int count(int n) {
			return n;
		}

		@Step(order = 4)
		public String throwing(String in) throws IOException {
			throw new IOException("disk full");
		}

		@Step(order = 5)
		public void twoInputs(String a, String b) {
		}

		@Step(order = 6, maxDelay = "soon")
		public void badDuration(String in) {
		}

		@Step(order = 7, maxDelay = "3650000d")
		public void tooLong(String in) {
		}

		@Step(order = 8, maxDelay = "2d")
		public void twoDays(String in) {
		}

		@Step(order = 9)
		public void wrongContext(@StepContext String context) {
		}

	}

	@Workflow(name = "plain")
	public static class PlainWorkflow {

		@Step(order = 1)
		public void needsContext(@StepContext @Nullable Object context) {
		}

	}

	public static class Payments {

		@Step
		public String charge(String order, @UserContext Map<String, Object> user, int times) {
			return order + "x" + times + "@" + user.get("region");
		}

	}

}

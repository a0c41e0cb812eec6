package dev.workflow.registry;

import java.util.Map;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.StepContext;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.annotation.WorkflowSchedule;
import dev.workflow.api.WorkflowConfigurationException;
import dev.workflow.api.WorkflowDefinitionException;
import dev.workflow.test.TestServers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each invalid definition fails the start with a message that names the culprit.
 */
class WorkflowDefinitionValidationTests {

	private final ApplicationContextRunner runner = TestServers.runner("validation")
		.withPropertyValues("workflow.worker.enabled=false");

	@Test
	void duplicateWorkflowNames() {
		assertStartFails(DuplicateWorkflows.class, "Duplicate workflow name 'dup': declared by "
				+ OneStep.class.getName() + " (bean 'first') and by " + OneStep.class.getName() + " (bean 'second')");
	}

	@Test
	void duplicateStepNames() {
		assertStartFails(config(new DuplicateStepNames()), "Duplicate step name 'same' in workflow 'dup_steps': "
				+ DuplicateStepNames.class.getName() + "#");
	}

	@Test
	void duplicateStepOrders() {
		assertStartFails(config(new DuplicateOrders()), "Duplicate step order 1 in workflow 'dup_orders': "
				+ DuplicateOrders.class.getName() + "#");
	}

	@Test
	void missingStepOrder() {
		assertStartFails(config(new MissingOrder()), "Step 'unordered' of workflow 'missing_order' ("
				+ MissingOrder.class.getName() + "#unordered) has no order");
	}

	@Test
	void negativeConcurrency() {
		assertStartFails(config(new NegativeConcurrency()), "@Workflow(concurrency = -1) of workflow "
				+ "'negative_concurrency' (" + NegativeConcurrency.class.getName() + ") is negative");
	}

	@Test
	void keyConcurrencyBelowOne() {
		assertStartFails(config(new NoKeyConcurrency()), "@Workflow(keyConcurrency = 0) of workflow "
				+ "'no_key_concurrency' (" + NoKeyConcurrency.class.getName() + ") must be 1 or more");
	}

	@Test
	void timeoutThatIsNotADuration() {
		assertStartFails(config(new UnparsableTimeout()), "@Workflow(timeout = \"soon\") of workflow "
				+ "'unparsable_timeout' (" + UnparsableTimeout.class.getName() + ") is not a duration");
	}

	@Test
	void timeoutThatIsNotPositive() {
		assertStartFails(config(new ZeroTimeout()), "@Workflow(timeout = \"0s\") of workflow 'zero_timeout' ("
				+ ZeroTimeout.class.getName() + ") must be positive");
	}

	@Test
	void rateLimitThatIsNotARate() {
		assertStartFails(config(new BadRate()), "@Workflow(rateLimit = \"20 per second\") of workflow 'bad_rate' ("
				+ BadRate.class.getName() + ") is not a rate: give permits/period");
	}

	@Test
	void rateLimitWithoutPermits() {
		assertStartFails(config(new ZeroRate()), "@Workflow(rateLimit = \"0/1s\") of workflow 'zero_rate' ("
				+ ZeroRate.class.getName() + ") must have 1 or more permits per positive period");
	}

	@Test
	void stepRateLimitThatIsNotARate() {
		assertStartFails(config(new BadStepRate()), "@Step(rateLimit = \"fast\") of step 'only' of workflow "
				+ "'bad_step_rate' (" + BadStepRate.class.getName() + "#only) is not a rate: give permits/period");
	}

	@Test
	void poolRateLimitThatIsNotARate() {
		this.runner.withPropertyValues("workflow.pools.metered.rate-limit=50 a second").run((context) -> {
			assertThat(context).hasFailed();
			// Refused as it is bound: Boot's report names the property and where it was set.
			assertThat(context.getStartupFailure()).hasStackTraceContaining("Failed to bind properties under 'workflow.pools")
				.rootCause()
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("\"50 a second\" is not a rate: give permits/period");
		});
	}

	@Test
	void firstRetryWaitLongerThanTheLongestWait() {
		assertStartFails(config(new CutShortRetry()), "The wait before the first retry of step 'patient' ("
				+ CutShortRetry.class.getName() + "#patient), PT1H, is longer than its longest wait, PT5M "
				+ "(workflow.retry.max-delay), which would cut it short");
	}

	@Test
	void scheduleWhoseCronDoesNotParse() {
		assertStartFails(config(new BadCron()), "@WorkflowSchedule of workflow 'bad_cron' (" + BadCron.class.getName()
				+ ") has cron = \"every day\", which is not a cron expression");
	}

	@Test
	void scheduleWhoseZoneIsNotAZone() {
		assertStartFails(config(new BadZone()), "@WorkflowSchedule of workflow 'bad_zone' (" + BadZone.class.getName()
				+ ") has zone = \"Mars/Olympus\", which is not a time zone");
	}

	@Test
	void twoSchedulesWithOneName() {
		assertStartFails(config(new TwoSchedulesOneName()), "@WorkflowSchedule of workflow 'two_schedules' ("
				+ TwoSchedulesOneName.class.getName() + ") declares two schedules named 'two_schedules'");
	}

	@Test
	void scheduleWhoseInputIsNotJson() {
		assertStartFails(config(new InputNotJson()), "@WorkflowSchedule(name = \"input_not_json\") of workflow "
				+ "'input_not_json' has input {scope: all, which is not JSON");
	}

	@Test
	void scheduleWhoseInputTheWorkflowCannotRead() {
		assertStartFails(config(new InputNotReadable()), "@WorkflowSchedule(name = \"input_not_readable\") of "
				+ "workflow 'input_not_readable' has input \"many\", which the workflow cannot read");
	}

	@Test
	void workflowWithoutSteps() {
		assertStartFails(config(new NoSteps()),
				"Workflow 'no_steps' (" + NoSteps.class.getName() + ") has no @Step methods");
	}

	@Test
	void parameterThatNoResolverSupplies() {
		assertStartFails(config(new TwoInputs()), "Parameter 0 'first' of step 'both' (" + TwoInputs.class.getName()
				+ "#both) already takes the step's input, and no resolver supplies Parameter 1 'second'");
	}

	@Test
	void stepContextParameterWithoutContextType() {
		assertStartFails(config(new ContextWithoutType()), "Parameter 0 'context' of step 'read' ("
				+ ContextWithoutType.class.getName() + "#read) is annotated @StepContext, but workflow 'no_context' "
				+ "declares no context type");
	}

	@Test
	void contextTypeThatCannotBeSerialised() {
		assertStartFails(config(new OpaqueContextWorkflow()), "Step context " + Opaque.class.getName()
				+ " of workflow 'opaque_context' (" + OpaqueContextWorkflow.class.getName()
				+ ") cannot be serialised to JSON and back: field Opaque.callback has type java.lang.Runnable");
	}

	@Test
	void contextTypeThatStepsCouldChange() {
		assertStartFails(config(new MutableContextWorkflow()), "Step context " + Mutable.class.getName()
				+ " of workflow 'mutable_context' (" + MutableContextWorkflow.class.getName()
				+ ") must be immutable, so that steps can only read it: use a record, or a concrete class whose "
				+ "fields are all final (not final: value)");
	}

	@Test
	void workflowWithTwoEntryMethods() {
		assertStartFails(config(new TwoEntries()), "Workflow 'two_entries' (" + TwoEntries.class.getName()
				+ ") has 2 @WorkflowMethod methods: [one, two]. A workflow has one entry method.");
	}

	@Test
	void workflowMethodWithAParameterThatCannotBeStored() {
		assertStartFails(config(new UnstorableInput()), "Parameter 0 of @WorkflowMethod "
				+ UnstorableInput.class.getName() + "#run of workflow 'unstorable_input' cannot be stored as the job's "
				+ "input");
	}

	@Test
	void workflowMethodWithPipelineSteps() {
		assertStartFails(config(new EntryAndSteps()), "Workflow 'entry_and_steps' (" + EntryAndSteps.class.getName()
				+ ") has both a @WorkflowMethod and @Step methods [step]");
	}

	@Test
	void stepWhoseRetriesWouldWaitPastTheLatestDueTime() {
		assertStartFails(config(new EndlessRetryDelay()), "@Step(maxDelay = \"3000000d\") of step 'patient' ("
				+ EndlessRetryDelay.class.getName() + "#patient) is too long for a retry's due time: it would end after "
				+ "9999-12-31T23:59:59Z, the latest time the engine stores");
	}

	@Test
	void retryDelayPropertyPastTheLatestDueTime() {
		this.runner.withPropertyValues("workflow.retry.max-delay=3000000d").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(WorkflowConfigurationException.class)
				.hasMessage("workflow.retry.max-delay is PT72000000H: it would end after 9999-12-31T23:59:59Z, the "
						+ "latest time the engine stores");
		});
	}

	@Test
	void aliasThatIsTheNameOfAnotherStep() {
		assertStartFails(config(new AliasOfAnotherStepsName()), "Alias 'first' of step 'second' ("
				+ AliasOfAnotherStepsName.class.getName() + "#second) is also the name of step 'first' ("
				+ AliasOfAnotherStepsName.class.getName() + "#first) among the steps of workflow 'alias_name'");
	}

	@Test
	void aliasOfTwoSteps() {
		assertStartFails(config(new SharedAlias()), "Alias 'old' of step 'second' (" + SharedAlias.class.getName()
				+ "#second) is also an alias of step 'first' (" + SharedAlias.class.getName()
				+ "#first) among the steps of workflow 'shared_alias'");
	}

	@Test
	void aliasThatIsTheStepsOwnName() {
		assertStartFails(config(new OwnNameAlias()), "@Step(aliases) of step 'only' of workflow 'own_alias' ("
				+ OwnNameAlias.class.getName() + "#only) names the step's own name 'only'");
	}

	@Test
	void blankAlias() {
		assertStartFails(config(new BlankAlias()), "@Step(aliases) of step 'only' of workflow 'blank_alias' ("
				+ BlankAlias.class.getName() + "#only) has a blank alias");
	}

	@Test
	void aliasOfAStepCalledFromWorkflowMethodsThatIsAnotherStepsName() {
		assertStartFails(this.runner.withBean(CallableOne.class, CallableOne::new)
			.withBean(CallableTwo.class, CallableTwo::new), "Alias 'fetch' of step 'load' (" + CallableTwo.class.getName()
					+ "#load) is also the name of step 'fetch' (" + CallableOne.class.getName() + "#fetch) among the "
					+ "application's steps called from workflow methods");
	}

	@Test
	void aliasesAreFoundUnderTheStepAndDoNotChangeTheFingerprint() {
		this.runner.withBean("renamed", Object.class, RenamedSteps::new).run((context) -> {
			assertThat(context).hasNotFailed();
			WorkflowDefinition workflow = context.getBean(dev.workflow.engine.WorkflowEngine.class)
				.registry()
				.require("renamed");
			assertThat(workflow.step("old_name")).isSameAs(workflow.step("new_name"));
			assertThat(workflow.step("new_name").aliases()).containsExactly("old_name", "older_name");
			assertThat(workflow.fingerprint()).matches("[0-9a-f]{12}");
			// SHA-256 of "new_name\nlast", first 6 bytes: aliases are no part of it.
			assertThat(workflow.fingerprint()).isEqualTo(sha256Prefix("new_name\nlast"));
		});
	}

	private static String sha256Prefix(String text) {
		try {
			byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
				.digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			return java.util.HexFormat.of().formatHex(hash).substring(0, 12);
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void assertStartFails(Class<?> configuration, String message) {
		this.runner.withUserConfiguration(configuration).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(WorkflowDefinitionException.class)
				.hasMessageContaining(message);
		});
	}

	private void assertStartFails(ApplicationContextRunner runner, String message) {
		runner.run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(WorkflowDefinitionException.class)
				.hasMessageContaining(message);
		});
	}

	private ApplicationContextRunner config(Object workflow) {
		return this.runner.withBean("workflowUnderTest", Object.class, () -> workflow);
	}

	@Workflow(name = "two_entries")
	static class TwoEntries {

		@WorkflowMethod
		public int one(int input) {
			return input;
		}

		@WorkflowMethod
		public int two(int input) {
			return input;
		}

	}

	@Workflow(name = "unstorable_input")
	static class UnstorableInput {

		@WorkflowMethod
		public String run(Runnable callback) {
			return String.valueOf(callback);
		}

	}

	@Workflow(name = "endless_retry_delay")
	static class EndlessRetryDelay {

		@Step(order = 1, maxDelay = "3000000d")
		public int patient(int input) {
			return input;
		}

	}

	@Workflow(name = "entry_and_steps")
	static class EntryAndSteps {

		@WorkflowMethod
		public int run(int input) {
			return input;
		}

		@Step(order = 1)
		public int step(int input) {
			return input;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateWorkflows {

		@Bean
		OneStep first() {
			return new OneStep();
		}

		@Bean
		OneStep second() {
			return new OneStep();
		}

	}

	@Workflow(name = "dup")
	static class OneStep {

		@Step(order = 1)
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "dup_steps")
	static class DuplicateStepNames {

		@Step(name = "same", order = 1)
		public int one(int input) {
			return input;
		}

		@Step(name = "same", order = 2)
		public int two(int input) {
			return input;
		}

	}

	@Workflow(name = "dup_orders")
	static class DuplicateOrders {

		@Step(order = 1)
		public int one(int input) {
			return input;
		}

		@Step(order = 1)
		public int two(int input) {
			return input;
		}

	}

	@Workflow(name = "missing_order")
	static class MissingOrder {

		@Step
		public int unordered(int input) {
			return input;
		}

	}

	@Workflow(name = "no_steps")
	static class NoSteps {

		public int notAStep(int input) {
			return input;
		}

	}

	@Workflow(name = "negative_concurrency", concurrency = -1)
	static class NegativeConcurrency {

		@Step(order = 1)
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "no_key_concurrency", keyConcurrency = 0)
	static class NoKeyConcurrency {

		@Step(order = 1)
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "unparsable_timeout", timeout = "soon")
	static class UnparsableTimeout {

		@Step(order = 1)
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "zero_timeout", timeout = "0s")
	static class ZeroTimeout {

		@Step(order = 1)
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "bad_rate", rateLimit = "20 per second")
	static class BadRate {

		@Step(order = 1)
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "cut_short_retry")
	static class CutShortRetry {

		@Step(order = 1, initialDelay = "1h")
		public int patient(int input) {
			return input;
		}

	}

	@Workflow(name = "bad_step_rate")
	static class BadStepRate {

		@Step(order = 1, rateLimit = "fast")
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "zero_rate", rateLimit = "0/1s")
	static class ZeroRate {

		@Step(order = 1)
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "bad_cron")
	@WorkflowSchedule(cron = "every day")
	static class BadCron {

		@Step(order = 1)
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "bad_zone")
	@WorkflowSchedule(cron = "@daily", zone = "Mars/Olympus")
	static class BadZone {

		@Step(order = 1)
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "two_schedules")
	@WorkflowSchedule(cron = "@daily")
	@WorkflowSchedule(cron = "@hourly")
	static class TwoSchedulesOneName {

		@Step(order = 1)
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "input_not_json")
	@WorkflowSchedule(cron = "@daily", input = "{scope: all")
	static class InputNotJson {

		@Step(order = 1)
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "input_not_readable")
	@WorkflowSchedule(cron = "@daily", input = "\"many\"")
	static class InputNotReadable {

		@WorkflowMethod
		public int run(int input) {
			return input;
		}

	}

	@Workflow(name = "two_inputs")
	static class TwoInputs {

		@Step(order = 1)
		public int both(int first, int second) {
			return first + second;
		}

	}

	@Workflow(name = "no_context")
	static class ContextWithoutType {

		@Step(order = 1)
		public String read(@StepContext Map<String, Object> context) {
			return String.valueOf(context);
		}

	}

	record Opaque(String orderId, Runnable callback) {
	}

	@Workflow(name = "opaque_context", context = Opaque.class)
	static class OpaqueContextWorkflow {

		@Step(order = 1)
		public String read(@StepContext Opaque context) {
			return String.valueOf(context);
		}

	}

	static class Mutable {

		private String value = "";

		public String getValue() {
			return this.value;
		}

		public void setValue(String value) {
			this.value = value;
		}

	}

	@Workflow(name = "mutable_context", context = Mutable.class)
	static class MutableContextWorkflow {

		@Step(order = 1)
		public String read(@StepContext Mutable context) {
			return context.getValue();
		}

	}

	@Workflow(name = "alias_name")
	static class AliasOfAnotherStepsName {

		@Step(order = 1)
		public int first(int input) {
			return input;
		}

		@Step(order = 2, aliases = "first")
		public int second(int input) {
			return input;
		}

	}

	@Workflow(name = "shared_alias")
	static class SharedAlias {

		@Step(order = 1, aliases = "old")
		public int first(int input) {
			return input;
		}

		@Step(order = 2, aliases = "old")
		public int second(int input) {
			return input;
		}

	}

	@Workflow(name = "own_alias")
	static class OwnNameAlias {

		@Step(order = 1, aliases = "only")
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "blank_alias")
	static class BlankAlias {

		@Step(order = 1, aliases = " ")
		public int only(int input) {
			return input;
		}

	}

	@Workflow(name = "renamed")
	static class RenamedSteps {

		@Step(name = "new_name", order = 1, aliases = { "old_name", "older_name" })
		public int renamed(int input) {
			return input;
		}

		@Step(order = 2)
		public int last(int input) {
			return input;
		}

	}

	static class CallableOne {

		@Step
		public int fetch(int input) {
			return input;
		}

	}

	static class CallableTwo {

		@Step(aliases = "fetch")
		public int load(int input) {
			return input;
		}

	}

}

package dev.workflow.engine;

import java.lang.reflect.Array;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.workflow.api.StepStatus;
import dev.workflow.api.WorkflowSerializationException;
import dev.workflow.api.Workflows;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.StepExecutionEntity;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One run of a workflow method against its job's history. Step calls are matched with the history by position, step
 * name and arguments: a recorded result is returned at once, the first call past the history suspends the method,
 * and a call that does not match what was recorded means the code changed under a running job.
 */
final class Replay implements Workflows.Runtime {

	private final WorkflowDefinition workflow;

	private final List<StepExecutionEntity> history;

	private final WorkflowJson json;

	/** The engine's clock, which {@link Workflows#currentTime()} records the first time a job asks. */
	private final Clock clock;

	private final Function<String, @Nullable StepInvoker> steps;

	private final Function<String, @Nullable JsonNode> keptEvents;

	private @Nullable JsonNode stepContext;

	private boolean stepContextChanged;

	private int position;

	private boolean batch;

	private final List<Decision.Dispatch> dispatches = new ArrayList<>();

	private int pending;

	/** The first mismatch with the history, kept even if the workflow method caught it. */
	private @Nullable NondeterminismException divergence;

	/**
	 * Compares JSON values as values: 3 written as a long equals 3 read back as an int.
	 */
	private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> {
		if (a.equals(b)) {
			return 0;
		}
		return (a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0) ? 0 : 1;
	};

	/** What the names of the entries the engine records itself start with. */
	static final String ENGINE_PREFIX = "workflow.";

	/** The built-in step whose executions are the timers of durable sleeps. */
	static final String SLEEP_STEP = ENGINE_PREFIX + "sleep";

	/** The built-in step whose executions wait for events; they fire (empty) when the timeout passes. */
	static final String EVENT_STEP = ENGINE_PREFIX + "event";

	/** The entry that waits for a child job. */
	static final String CHILD_ENTRY = ENGINE_PREFIX + "child";

	/** The entry that records a step context the workflow set. */
	static final String CONTEXT_ENTRY = ENGINE_PREFIX + "setStepContext";

	/** The entry that records the current time the workflow read. */
	static final String TIME_ENTRY = ENGINE_PREFIX + "currentTime";

	/** The entry that records a random number the workflow drew. */
	static final String RANDOM_ENTRY = ENGINE_PREFIX + "random";

	/** The entry that records which step won a race of {@link Workflows#any}; it follows the raced steps. */
	static final String ANY_ENTRY = ENGINE_PREFIX + "any";

	/** The entry that marks a change the job runs the new code of ({@link Workflows#patched}). */
	static final String PATCH_ENTRY = ENGINE_PREFIX + "patch";

	Replay(WorkflowDefinition workflow, List<StepExecutionEntity> history, @Nullable JsonNode stepContext,
			WorkflowJson json, Clock clock, Function<String, @Nullable StepInvoker> steps,
			Function<String, @Nullable JsonNode> keptEvents) {
		this.keptEvents = keptEvents;
		this.workflow = workflow;
		this.history = history;
		this.stepContext = stepContext;
		this.json = json;
		this.clock = clock;
		this.steps = steps;
	}

	/**
	 * Adds an attempt to the latest attempts of a history read in sequence, then attempt: a later attempt of an entry
	 * replaces the earlier one.
	 * @param latest the latest attempt of each entry so far, in sequence
	 * @param attempt the next attempt read
	 */
	static void keepLatest(List<StepExecutionEntity> latest, StepExecutionEntity attempt) {
		if (!latest.isEmpty() && latest.get(latest.size() - 1).getSequence() == attempt.getSequence()) {
			latest.set(latest.size() - 1, attempt);
		}
		else {
			latest.add(attempt);
		}
	}

	@Nullable Object callStep(String step, Object[] args, Type returnType) {
		StepInvoker invoker = this.steps.apply(step);
		if (invoker == null) {
			throw new IllegalStateException("Workflow '" + this.workflow.name() + "' called step '" + step
					+ "', which is not a step of a bean the engine knows");
		}
		return entry(step, invoker.input(args, this.json), returnType, null);
	}

	/**
	 * Matches the next history entry: returns its result if it completed, waits if it has not, dispatches it if the
	 * history ends here.
	 */
	private @Nullable Object entry(String step, JsonNode input, Type returnType, @Nullable Duration delay) {
		StepExecutionEntity recorded = next(step, input);
		if (recorded != null) {
			if (recorded.getStatus() == StepStatus.COMPLETED) {
				return this.json.convert(recorded.outputTree(this.json::parse), this.json.type(returnType));
			}
			this.pending++;
		}
		else {
			this.dispatches.add(Decision.Dispatch.delayed(step, input, delay));
		}
		if (this.batch) {
			// A placeholder: Workflows.all returns only once every call has its recorded result.
			Class<?> raw = this.json.type(returnType).getRawClass();
			return raw.isPrimitive() && raw != void.class ? Array.get(Array.newInstance(raw, 1), 0) : null;
		}
		throw new WorkflowSuspended(this.dispatches);
	}

	/**
	 * Takes the next history entry, checking that it records the same call; {@code null} past the end.
	 */
	private @Nullable StepExecutionEntity next(String step, JsonNode input) {
		int at = this.position++;
		if (at >= this.history.size()) {
			return null;
		}
		StepExecutionEntity recorded = this.history.get(at);
		JsonNode recordedInput = recorded.inputTree(this.json::parse);
		if (recordedInput == null) {
			recordedInput = JsonNodeFactory.instance.nullNode();
		}
		if (!sameStep(recorded.getStepName(), step) || !input.equals(SAME_VALUE, recordedInput)) {
			NondeterminismException mismatch = new NondeterminismException(this.workflow.name(), at,
					recorded.getStepName(), recordedInput, step, input,
					recorded.getStepName().equals(PATCH_ENTRY));
			if (this.divergence == null) {
				this.divergence = mismatch;
			}
			throw mismatch;
		}
		return recorded;
	}

	@Override
	public boolean patched(String changeId) {
		JsonNode marker = patchMarker("patched", changeId);
		if (this.position >= this.history.size()) {
			// The job gets here now, under this code: it takes the new path, now and on every replay.
			this.position++;
			this.dispatches.add(Decision.Dispatch.recorded(PATCH_ENTRY, marker, null));
			return true;
		}
		if (isMarker(this.history.get(this.position), marker)) {
			this.position++;
			return true;
		}
		// The job passed here under the old code: nothing is consumed, the old path matches what it recorded.
		return false;
	}

	@Override
	public void deprecatePatch(String changeId) {
		JsonNode marker = patchMarker("deprecatePatch", changeId);
		if (this.position < this.history.size() && isMarker(this.history.get(this.position), marker)) {
			this.position++;
		}
	}

	private JsonNode patchMarker(String call, String changeId) {
		if (this.batch) {
			throw new IllegalStateException("Workflows." + call + "(\"" + changeId + "\") was called inside the "
					+ "calls given to Workflows.all or Workflows.any in workflow '" + this.workflow.name()
					+ "', where each call must call exactly one step; call it before the group and choose the "
					+ "group's calls by its result");
		}
		this.json.toTree(changeId, () -> "change id of Workflows." + call + " in workflow '" + this.workflow.name()
				+ "'");
		return JsonNodeFactory.instance.objectNode().put("id", changeId);
	}

	private boolean isMarker(StepExecutionEntity entry, JsonNode marker) {
		return entry.getStepName().equals(PATCH_ENTRY) && marker.equals(entry.inputTree(this.json::parse));
	}

	/**
	 * Returns how many entries of the history this replay consumed.
	 * @return the count, at most the history's size
	 */
	int consumed() {
		return Math.min(this.position, this.history.size());
	}

	/**
	 * Returns the first call of this replay that did not match the history, even if the workflow method caught its
	 * exception.
	 * @return the mismatch, or {@code null} if every call matched
	 */
	@Nullable NondeterminismException divergence() {
		return this.divergence;
	}

	/**
	 * Whether a recorded entry is of the step called: the same name, or a former name of it ({@code @Step(aliases)},
	 * which the engine resolves to the same step).
	 */
	private boolean sameStep(String recorded, String called) {
		if (recorded.equals(called)) {
			return true;
		}
		StepInvoker invoker = this.steps.apply(called);
		return invoker != null && invoker == this.steps.apply(recorded);
	}

	/**
	 * An engine call whose value is recorded the first time and read back on every replay.
	 */
	private JsonNode recordedValue(String entry, JsonNode input, Supplier<JsonNode> value) {
		StepExecutionEntity recorded = next(entry, input);
		if (recorded != null) {
			JsonNode output = recorded.outputTree(this.json::parse);
			return (output != null) ? output : JsonNodeFactory.instance.nullNode();
		}
		JsonNode fresh = value.get();
		this.dispatches.add(Decision.Dispatch.recorded(entry, input, fresh));
		return fresh;
	}

	@Override
	public Instant currentTime() {
		JsonNode time = recordedValue(TIME_ENTRY, JsonNodeFactory.instance.nullNode(),
				() -> JsonNodeFactory.instance.numberNode(this.clock.millis()));
		return Instant.ofEpochMilli(time.asLong());
	}

	@Override
	public long random() {
		return recordedValue(RANDOM_ENTRY, JsonNodeFactory.instance.nullNode(),
				() -> JsonNodeFactory.instance.numberNode(ThreadLocalRandom.current().nextLong()))
			.asLong();
	}

	@Override
	public <T> Optional<T> awaitEvent(String name, Duration timeout, Class<T> payloadType) {
		Timer.checkWait(timeout, this.clock.instant(), "Workflow '" + this.workflow.name() + "' cannot wait for event '" + name + "'");
		this.json.toTree(name, () -> "name of an event workflow '" + this.workflow.name() + "' waits for");
		JsonNode input = JsonNodeFactory.instance.objectNode().put("name", name).put("timeoutMillis", timeout.toMillis());
		StepExecutionEntity recorded = next(EVENT_STEP, input);
		if (recorded != null) {
			if (recorded.getStatus() != StepStatus.COMPLETED) {
				this.pending++;
				throw new WorkflowSuspended(this.dispatches);
			}
			return Optional.ofNullable(payloadType.cast(
					this.json.convert(recorded.outputTree(this.json::parse), this.json.type(payloadType))));
		}
		JsonNode kept = this.keptEvents.apply(name);
		if (kept != null) {
			this.dispatches.add(Decision.Dispatch.recorded(EVENT_STEP, input, kept));
			return Optional.ofNullable(payloadType.cast(this.json.convert(kept, this.json.type(payloadType))));
		}
		this.dispatches.add(Decision.Dispatch.delayed(EVENT_STEP, input, timeout));
		throw new WorkflowSuspended(this.dispatches);
	}

	@Override
	public <T> T child(String workflow, @Nullable Object input, Class<T> resultType) {
		JsonNode request = JsonNodeFactory.instance.objectNode()
			.put("workflow", workflow)
			.set("input", this.json.toTree(input, () -> "input of child workflow '" + workflow + "'"));
		StepExecutionEntity recorded = next(CHILD_ENTRY, request);
		if (recorded == null) {
			this.dispatches.add(Decision.Dispatch.child(CHILD_ENTRY, request));
			throw new WorkflowSuspended(this.dispatches);
		}
		if (recorded.getStatus() != StepStatus.COMPLETED) {
			this.pending++;
			throw new WorkflowSuspended(this.dispatches);
		}
		return resultType.cast(this.json.convert(recorded.outputTree(this.json::parse), this.json.type(resultType)));
	}

	/**
	 * Returns the entries this replay adds to the history, in call order.
	 * @return the dispatches and recorded entries
	 */
	List<Decision.Dispatch> dispatches() {
		return this.dispatches;
	}

	@Override
	public void sleep(Duration duration) {
		Timer.checkWait(duration, this.clock.instant(), "Workflow '" + this.workflow.name() + "' cannot sleep");
		entry(SLEEP_STEP, JsonNodeFactory.instance.objectNode().put("millis", duration.toMillis()), void.class,
				duration);
	}

	@Override
	public <T> T any(List<Supplier<T>> calls) {
		if (this.batch) {
			throw new IllegalStateException("Workflows.any cannot be nested");
		}
		int first = this.position;
		this.batch = true;
		List<T> results = new ArrayList<>(calls.size());
		try {
			for (Supplier<T> call : calls) {
				results.add(call.get());
			}
		}
		finally {
			this.batch = false;
		}
		int called = this.position - first;
		if (called != calls.size()) {
			throw new IllegalStateException("Each call given to Workflows.any in workflow '" + this.workflow.name()
					+ "' must call exactly one step, but its " + calls.size() + " calls called " + called);
		}
		if (!this.dispatches.isEmpty()) {
			// Steps of the group not yet dispatched still have to be: the group's history stays whole.
			throw new WorkflowSuspended(this.dispatches);
		}
		JsonNode race = JsonNodeFactory.instance.objectNode().put("branches", calls.size());
		if (this.position < this.history.size() && !this.history.get(this.position).getStepName().equals(ANY_ENTRY)) {
			// A history written before winners were recorded: the entry after the group is the workflow's next call.
			int winner = firstCompleted(first, calls.size());
			if (winner < 0) {
				throw new WorkflowSuspended(this.dispatches);
			}
			return results.get(winner);
		}
		StepExecutionEntity recorded = next(ANY_ENTRY, race);
		if (recorded != null) {
			JsonNode output = recorded.outputTree(this.json::parse);
			return results.get(output.get("winner").asInt());
		}
		int winner = firstCompleted(first, calls.size());
		if (winner < 0) {
			throw new WorkflowSuspended(this.dispatches);
		}
		// Decided once, from the history as it is now: later replays read it, whatever the times say then.
		this.dispatches.add(Decision.Dispatch.recorded(ANY_ENTRY, race,
				JsonNodeFactory.instance.objectNode().put("winner", winner)));
		return results.get(winner);
	}

	/**
	 * The first of a group of entries to have completed: completions of one job commit one after the other, in finish
	 * order, as long as the clocks of the hosts that wrote them agree.
	 * @return its index in the group, or -1 if none has completed
	 */
	private int firstCompleted(int first, int size) {
		int winner = -1;
		for (int i = 0; i < size && first + i < this.history.size(); i++) {
			StepExecutionEntity entry = this.history.get(first + i);
			if (entry.getStatus() == StepStatus.COMPLETED && (winner < 0
					|| entry.getFinishedAt().isBefore(this.history.get(first + winner).getFinishedAt()))) {
				winner = i;
			}
		}
		return winner;
	}

	/**
	 * Finds out whether an entry is a step that lost a race of {@link Workflows#any}: the race has been decided, and
	 * its winner is another step. Its result is never needed, so its failure does not matter.
	 * @param history the latest attempt of each entry of a job's history, in sequence
	 * @param sequence the entry's position
	 * @param json reads the entries
	 * @return the position of the race's winner, or -1 if the entry did not lose a decided race
	 */
	static int winnerOver(List<StepExecutionEntity> history, int sequence, WorkflowJson json) {
		for (int at = sequence + 1; at < history.size(); at++) {
			StepExecutionEntity entry = history.get(at);
			if (entry.getStepName().equals(ANY_ENTRY)) {
				// A race's entry follows its steps at once.
				JsonNode input = entry.inputTree(json::parse);
				JsonNode output = entry.outputTree(json::parse);
				int first = at - input.get("branches").asInt();
				int winner = first + output.get("winner").asInt();
				return (sequence >= first && winner != sequence) ? winner : -1;
			}
		}
		return -1;
	}

	@Override
	public <T> List<T> all(List<Supplier<T>> calls) {
		if (this.batch) {
			throw new IllegalStateException("Workflows.all cannot be nested");
		}
		this.batch = true;
		int pendingBefore = this.pending;
		List<T> results = new ArrayList<>(calls.size());
		try {
			for (Supplier<T> call : calls) {
				results.add(call.get());
			}
		}
		finally {
			this.batch = false;
		}
		// Counted for this group only: the losers of an earlier race may still run, or have failed.
		if (!this.dispatches.isEmpty() || this.pending > pendingBefore) {
			throw new WorkflowSuspended(this.dispatches);
		}
		return results;
	}

	@Override
	public void setStepContext(Object stepContext) {
		Class<?> expected = this.workflow.contextType();
		if (expected == null || !expected.isInstance(stepContext)) {
			throw new WorkflowSerializationException("Workflow '" + this.workflow.name() + "' set a step context of "
					+ "type " + stepContext.getClass().getName() + ", but it takes "
					+ ((expected != null) ? "a " + expected.getName() : "none (add @Workflow(context = ...))"));
		}
		JsonNode next = this.json.toTree(stepContext, () -> "step context of workflow '" + this.workflow.name() + "'");
		if (next(CONTEXT_ENTRY, next) == null) {
			this.dispatches.add(Decision.Dispatch.recorded(CONTEXT_ENTRY, next, null));
		}
		if (!next.equals(this.stepContext)) {
			this.stepContext = next;
			this.stepContextChanged = true;
		}
	}

	/**
	 * Returns the step context as the workflow method left it, if it changed it.
	 * @return the new context, or {@code null} if unchanged
	 */
	@Nullable JsonNode changedStepContext() {
		return this.stepContextChanged ? this.stepContext : null;
	}

	/**
	 * Thrown when a workflow's calls do not match its job's history: the workflow method now calls something else at
	 * a position of the history than what the history records there.
	 */
	static final class NondeterminismException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final String workflow;

		private final int position;

		private final String recordedStep;

		private final transient JsonNode recordedInput;

		private final String calledStep;

		private final transient JsonNode calledInput;

		private final boolean historyAhead;

		NondeterminismException(String workflow, int position, String recordedStep, JsonNode recordedInput,
				String calledStep, JsonNode calledInput, boolean historyAhead) {
			super("Workflow '" + workflow + "' no longer matches the history of this job: entry " + position
					+ " records step '" + recordedStep + "' with arguments " + recordedInput
					+ ", but the code now calls step '" + calledStep + "' with arguments " + calledInput
					+ ". The workflow's code changed under a running job. To keep the old path for the jobs that "
					+ "began on it, put the change behind a marker: if (Workflows.patched(\"a-change-id\")) { new "
					+ "code } else { old code }; new jobs then take the new code.");
			this.workflow = workflow;
			this.position = position;
			this.recordedStep = recordedStep;
			this.recordedInput = recordedInput;
			this.calledStep = calledStep;
			this.calledInput = calledInput;
			this.historyAhead = historyAhead;
		}

		/**
		 * Whether the recorded entry is one only a newer release of the workflow can have written: the marker of a
		 * change ({@link Workflows#patched}) that this code does not make there. This instance's code is then behind
		 * the job (a rolling deploy), not changed under it.
		 * @return {@code true} if the history is ahead of this code
		 */
		boolean historyAhead() {
			return this.historyAhead;
		}


		String workflow() {
			return this.workflow;
		}

		int position() {
			return this.position;
		}

		String recordedStep() {
			return this.recordedStep;
		}

		JsonNode recordedInput() {
			return this.recordedInput;
		}

		String calledStep() {
			return this.calledStep;
		}

		JsonNode calledInput() {
			return this.calledInput;
		}

	}

}

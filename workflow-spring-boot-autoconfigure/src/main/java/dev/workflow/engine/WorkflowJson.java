package dev.workflow.engine;

import java.lang.reflect.Type;
import java.util.Map;
import java.util.function.Supplier;

import dev.workflow.api.WorkflowSerializationException;
import dev.workflow.transport.PoisonMessageException;
import dev.workflow.transport.StepMessage;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * The engine's JSON: inputs, results and contexts as trees, step messages as bytes. Errors name what was being
 * converted, so that a user sees which value of which workflow failed.
 */
public final class WorkflowJson {

	private final JsonMapper mapper;

	public WorkflowJson(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Converts a value to a JSON tree.
	 * @param value the value
	 * @param what what the value is, for the error message
	 * @return the tree ({@link NullNode} for {@code null})
	 * @throws WorkflowSerializationException if the value cannot be written as JSON
	 */
	public JsonNode toTree(@Nullable Object value, Supplier<String> what) {
		if (value == null) {
			return NullNode.getInstance();
		}
		try {
			return this.mapper.valueToTree(value);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new WorkflowSerializationException(
					"The " + what.get() + " (" + value.getClass().getName() + ") cannot be written as JSON: "
							+ ex.getMessage(),
					ex);
		}
	}

	JavaType type(Type type) {
		return this.mapper.getTypeFactory().constructType(type);
	}

	@Nullable Object convert(@Nullable JsonNode node, JavaType type) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			return null;
		}
		return this.mapper.treeToValue(node, type);
	}

	<T> @Nullable T read(@Nullable String json, Class<T> type) {
		if (json == null) {
			return null;
		}
		try {
			return this.mapper.readValue(json, type);
		}
		catch (JacksonException ex) {
			throw new WorkflowSerializationException("Stored JSON cannot be read as " + type.getName() + ": "
					+ ex.getOriginalMessage(), ex);
		}
	}

	@SuppressWarnings("unchecked")
	Map<String, Object> readObject(String json) {
		return (Map<String, Object>) this.mapper.readValue(json, Map.class);
	}

	@Nullable String write(@Nullable JsonNode node) {
		return (node == null || node.isNull() || node.isMissingNode()) ? null : this.mapper.writeValueAsString(node);
	}

	@Nullable JsonNode parse(@Nullable String json) {
		return (json == null) ? null : this.mapper.readTree(json);
	}

	String encode(StepMessage message) {
		return this.mapper.writeValueAsString(message);
	}

	StepMessage decode(byte[] body) {
		try {
			StepMessage message = this.mapper.readValue(body, StepMessage.class);
			if (message.jobId() == null || message.stepExecutionId() == null || message.workflow() == null
					|| message.step() == null) {
				throw new PoisonMessageException("Step message lacks jobId, stepExecutionId, workflow or step");
			}
			return message;
		}
		catch (JacksonException ex) {
			throw new PoisonMessageException("Malformed step message: " + ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Checks that a step context type can be written as JSON and read back, by reading an empty object into it
	 * and writing the instance out again.
	 * @param contextType the type
	 * @return the problem, or {@code null} if there is none
	 */
	@Nullable String contextProblem(Class<?> contextType) {
		try {
			Object probe = this.mapper.readerFor(contextType)
				.without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
						DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
						DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
				.readValue("{}");
			this.mapper.writeValueAsString(probe);
			return null;
		}
		catch (ValueInstantiationException ex) {
			// The type's own constructor refused the empty probe (a null check, say): it is readable all the same.
			return null;
		}
		catch (JacksonException ex) {
			return ex.getOriginalMessage();
		}
	}

}

package dev.workflow.engine;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.workflow.api.WorkflowSerializationException;
import dev.workflow.transport.PoisonMessageException;
import dev.workflow.transport.StepMessage;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
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

	private static final TypeReference<Map<String, String>> TRACE_TYPE = new TypeReference<>() {
	};

	private final JsonMapper mapper;

	/**
	 * Writes and reads the envelope of step messages: the engine's own format, whatever the application configures
	 * for its values, so that instances configured differently still understand each other.
	 */
	private final JsonMapper envelope = JsonMapper.builder().build();

	/**
	 * Creates the engine's JSON.
	 * @param mapper the mapper for the application's values: inputs, results and contexts
	 */
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
		return this.envelope.writeValueAsString(message);
	}

	/**
	 * Writes a job's trace context for its row, in the engine's own format.
	 */
	@Nullable String writeTrace(@Nullable Map<String, String> trace) {
		return (trace == null || trace.isEmpty()) ? null : this.envelope.writeValueAsString(trace);
	}

	/**
	 * Reads a job's trace context from its row.
	 */
	@Nullable Map<String, String> readTrace(@Nullable String json) {
		return (json == null) ? null : this.envelope.readValue(json, TRACE_TYPE);
	}

	/**
	 * Reads a step message, and checks that it is one a worker can run.
	 * @param body the message body
	 * @return the message
	 * @throws PoisonMessageException for any body that is not a valid step message: not JSON, JSON {@code null} or
	 * another value than an object, a field missing or of the wrong type, an attempt below 1
	 */
	StepMessage decode(byte[] body) {
		StepMessage message;
		try {
			message = this.envelope.readValue(body, StepMessage.class);
		}
		catch (JacksonException ex) {
			throw new PoisonMessageException("Malformed step message: " + ex.getOriginalMessage(), ex);
		}
		if (message == null) {
			throw new PoisonMessageException("Malformed step message: the body is JSON null, not a step message");
		}
		if (message.jobId() == null || message.stepExecutionId() == null || message.workflow() == null
				|| message.step() == null) {
			throw new PoisonMessageException("Step message lacks jobId, stepExecutionId, workflow or step");
		}
		if (message.attempt() < 1) {
			throw new PoisonMessageException("Step message for step '" + message.step() + "' of job "
					+ message.jobId() + " has attempt " + message.attempt() + "; attempts count from 1");
		}
		if (message.userContext() != null && !message.userContext().isNull() && !message.userContext().isObject()) {
			throw new PoisonMessageException("Step message for step '" + message.step() + "' of job "
					+ message.jobId() + " has a user context that is a JSON " + message.userContext().getNodeType()
					+ ", not an object");
		}
		return message;
	}

	/**
	 * Checks that a step context type can be written as JSON and read back: Jackson can create it from an empty
	 * object and write it out again, and none of its fields, however deep, has a type that JSON cannot say how to
	 * create (an interface or abstract class other than the collections and value types Jackson knows).
	 * @param contextType the type
	 * @return the problem, or {@code null} if there is none
	 */
	@Nullable String contextProblem(Class<?> contextType) {
		String fieldProblem = fieldProblem(contextType, contextType.getSimpleName(), new HashSet<>());
		if (fieldProblem != null) {
			return fieldProblem;
		}
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

	/**
	 * Checks that values of a type (a workflow method's parameter or result) can be written as JSON and read back.
	 * @param type the type
	 * @return the problem, or {@code null} if there is none
	 */
	@Nullable String valueProblem(Type type) {
		return typeProblem(type, type.getTypeName(), new HashSet<>());
	}

	private static @Nullable String fieldProblem(Class<?> type, String path, Set<Class<?>> seen) {
		if (!seen.add(type) || isValueType(type)) {
			return null;
		}
		for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
			for (Field field : current.getDeclaredFields()) {
				if (Modifier.isStatic(field.getModifiers()) || Modifier.isTransient(field.getModifiers())) {
					continue;
				}
				String problem = typeProblem(field.getGenericType(), path + "." + field.getName(), seen);
				if (problem != null) {
					return problem;
				}
			}
		}
		return null;
	}

	private static @Nullable String typeProblem(Type type, String path, Set<Class<?>> seen) {
		if (type instanceof ParameterizedType parameterized) {
			for (Type argument : parameterized.getActualTypeArguments()) {
				String problem = typeProblem(argument, path + "<>", seen);
				if (problem != null) {
					return problem;
				}
			}
			return typeProblem(parameterized.getRawType(), path, seen);
		}
		if (type instanceof GenericArrayType array) {
			return typeProblem(array.getGenericComponentType(), path + "[]", seen);
		}
		if (!(type instanceof Class<?> raw)) {
			return "field " + path + " has type " + type.getTypeName()
					+ ", which JSON cannot say how to create; use a concrete type";
		}
		if (raw.isArray()) {
			return typeProblem(raw.getComponentType(), path + "[]", seen);
		}
		if (isValueType(raw) || Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw)
				|| raw == Optional.class || JsonNode.class.isAssignableFrom(raw)) {
			return null;
		}
		if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
			return "field " + path + " has type " + raw.getName()
					+ ", an interface or abstract class that JSON cannot say how to create; use a concrete type";
		}
		return fieldProblem(raw, path, seen);
	}

	private static boolean isValueType(Class<?> type) {
		if (type.isPrimitive() || type.isEnum() || type == Object.class || type == Number.class
				|| type == CharSequence.class) {
			return true;
		}
		boolean concrete = !type.isInterface() && !Modifier.isAbstract(type.getModifiers());
		String name = type.getName();
		return concrete && (name.startsWith("java.lang.") || name.startsWith("java.time.")
				|| name.startsWith("java.math.") || type == java.util.UUID.class || type == java.net.URI.class);
	}

}

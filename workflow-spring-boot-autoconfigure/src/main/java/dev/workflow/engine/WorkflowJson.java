package dev.workflow.engine;

import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.workflow.api.WorkflowPayloadTooLargeException;
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

import org.springframework.util.unit.DataSize;

/**
 * The engine's JSON: inputs, results and contexts as trees, step messages as bytes. Errors name what was being
 * converted, so that a user sees which value of which workflow failed.
 * <p>
 * Every value the engine takes in (a job's input and contexts, a step's result, an event's payload, a workflow
 * method's result, the arguments of its step calls) becomes a tree through {@link #toTree}, which refuses what could
 * not be stored or sent: text with the character U+0000 anywhere (a string or a field name), since PostgreSQL's
 * {@code jsonb} cannot hold it, and values larger than {@code workflow.max-payload-size}. Every step message is
 * written by {@link #encode}, which holds it to the same size, so that the broker never receives what it would
 * refuse by default.
 * <p>
 * Text with U+0000 is refused rather than stored under another form: {@code jsonb} cannot hold the character at all,
 * and an escape that the engine undid on reading would still change what the database sees (a query on the user
 * context, say) and could not be told apart from text that contains the escape itself.
 */
public final class WorkflowJson {

	/**
	 * The default of {@code workflow.max-payload-size}: 8 MiB. A step message carries the step's input, the job's step
	 * context and user context and an envelope; RabbitMQ refuses messages over its {@code max_message_size}, whose
	 * default RabbitMQ 4 lowered to 16 MiB (3.x had 128 MiB). Half of that leaves room for the message's AMQP
	 * properties and headers, and keeps values small enough to be copied into the several rows a step writes and
	 * into the memory of each worker that prefetches its message.
	 */
	public static final DataSize DEFAULT_MAX_PAYLOAD_SIZE = DataSize.ofMegabytes(8);

	private static final TypeReference<Map<String, String>> TRACE_TYPE = new TypeReference<>() {
	};

	private final JsonMapper mapper;

	/**
	 * Writes and reads the envelope of step messages: the engine's own format, whatever the application configures
	 * for its values, so that instances configured differently still understand each other.
	 */
	private final JsonMapper envelope = JsonMapper.builder()
		// A message of a newer release may carry fields this release does not know: it is still understood.
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private final long maxPayloadBytes;

	/**
	 * Creates the engine's JSON, with values and messages up to {@link #DEFAULT_MAX_PAYLOAD_SIZE}.
	 * @param mapper the mapper for the application's values: inputs, results and contexts
	 */
	public WorkflowJson(JsonMapper mapper) {
		this(mapper, DEFAULT_MAX_PAYLOAD_SIZE);
	}

	/**
	 * Creates the engine's JSON.
	 * @param mapper the mapper for the application's values: inputs, results and contexts
	 * @param maxPayloadSize the largest value, and the largest step message, as UTF-8 JSON
	 */
	public WorkflowJson(JsonMapper mapper, DataSize maxPayloadSize) {
		if (maxPayloadSize.toBytes() <= 0) {
			throw new IllegalArgumentException("workflow.max-payload-size must be positive, not " + maxPayloadSize);
		}
		this.mapper = mapper;
		this.maxPayloadBytes = maxPayloadSize.toBytes();
	}

	/**
	 * Converts a value to a JSON tree, and checks that it can be stored and sent.
	 * @param value the value
	 * @param what what the value is, for the error message
	 * @return the tree ({@link NullNode} for {@code null})
	 * @throws WorkflowSerializationException if the value cannot be written as JSON, or has the character U+0000 in
	 * a string or a field name
	 * @throws WorkflowPayloadTooLargeException if its JSON is larger than {@code workflow.max-payload-size}
	 */
	public JsonNode toTree(@Nullable Object value, Supplier<String> what) {
		if (value == null) {
			return NullNode.getInstance();
		}
		JsonNode tree;
		try {
			tree = this.mapper.valueToTree(value);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new WorkflowSerializationException(
					"The " + what.get() + " (" + value.getClass().getName() + ") cannot be written as JSON: "
							+ ex.getMessage(),
					ex);
		}
		check(tree, what);
		return tree;
	}

	/**
	 * Checks that a tree can be stored and sent: no U+0000, and no larger than the limit.
	 */
	private void check(JsonNode tree, Supplier<String> what) {
		Scan scan = new Scan();
		String nulAt = scan.nulAt(tree);
		if (nulAt != null) {
			throw new WorkflowSerializationException("The " + what.get() + " contains the character U+0000 at $"
					+ nulAt + ", which PostgreSQL cannot store in JSON or text. Remove or replace it before it "
					+ "reaches the engine (text extracted from PDFs and other binary formats often carries it).");
		}
		if (scan.largest > this.maxPayloadBytes) {
			long size = size(tree);
			if (size > this.maxPayloadBytes) {
				throw new WorkflowPayloadTooLargeException("The " + what.get() + " is " + bytes(size)
						+ " as JSON, more than workflow.max-payload-size (" + bytes(this.maxPayloadBytes)
						+ ") allows. Pass a reference to large data (a key in your own store, a URL) instead of the "
						+ "data itself, or raise the limit within what your broker accepts.", size,
						this.maxPayloadBytes);
			}
		}
	}

	/**
	 * Returns the size of a tree's JSON in bytes, as {@link #write} writes it.
	 */
	private long size(JsonNode tree) {
		Counter counter = new Counter();
		this.mapper.writeValue(counter, tree);
		return counter.bytes;
	}

	private static String bytes(long bytes) {
		return String.format(Locale.ROOT, "%,d bytes", bytes);
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

	/**
	 * Writes a step message, and checks that it is no larger than {@code workflow.max-payload-size}.
	 * @param message the message
	 * @return its JSON
	 * @throws WorkflowPayloadTooLargeException if it is larger
	 */
	String encode(StepMessage message) {
		String json = encodeAdmitted(message);
		// A char is at most 3 bytes in UTF-8 (a surrogate pair, 2 chars, is 4): most messages need no count.
		if (json.length() * 3L > this.maxPayloadBytes) {
			long size = utf8Length(json);
			if (size > this.maxPayloadBytes) {
				throw new WorkflowPayloadTooLargeException("The message of step '" + message.step() + "' (attempt "
						+ message.attempt() + ") of job " + message.jobId() + " of workflow '" + message.workflow()
						+ "' would be " + bytes(size) + ", more than workflow.max-payload-size ("
						+ bytes(this.maxPayloadBytes) + ") allows: its input is " + bytes(part(message.input()))
						+ ", the job's step context " + bytes(part(message.stepContext())) + " and its user context "
						+ bytes(part(message.userContext())) + ", and every step message carries them all.", size,
						this.maxPayloadBytes);
			}
		}
		return json;
	}

	/**
	 * Writes a step message whose values were admitted when it was first written: one dispatched again (a retry,
	 * a lapsed lease). It is not held to the limit again, so that lowering the limit does not stop the dispatch of
	 * work already under way; the broker has the last word.
	 * @param message the message
	 * @return its JSON
	 */
	String encodeAdmitted(StepMessage message) {
		return this.envelope.writeValueAsString(message);
	}

	private long part(@Nullable JsonNode node) {
		return (node == null) ? 4 : utf8Length(this.envelope.writeValueAsString(node));
	}

	private static long utf8Length(String text) {
		long bytes = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			bytes += (c < 0x80) ? 1 : (c < 0x800) ? 2 : Character.isSurrogate(c) ? 2 : 3;
		}
		return bytes;
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

	/**
	 * One walk over a tree: where the first U+0000 is, and a bound on the size of its JSON that needs no writing.
	 */
	private static final class Scan {

		/** At least the size of the tree's JSON in bytes (every character escaped as \\uXXXX, say). */
		long largest;

		/**
		 * Returns the path, below a node, of the first string or field name with U+0000 ({@code ""} for the node
		 * itself), or {@code null} if there is none. The path is built only once one is found.
		 */
		@Nullable String nulAt(JsonNode node) {
			if (node.isString()) {
				String text = node.stringValue();
				this.largest += 6L * text.length() + 2;
				return (text.indexOf('\0') >= 0) ? "" : null;
			}
			if (node.isObject()) {
				this.largest += 2;
				for (Map.Entry<String, JsonNode> property : node.properties()) {
					String name = property.getKey();
					this.largest += 6L * name.length() + 4;
					String inside = (name.indexOf('\0') >= 0) ? "" : nulAt(property.getValue());
					if (inside != null) {
						return segment(name) + inside;
					}
				}
				return null;
			}
			if (node.isArray()) {
				this.largest += 2;
				int index = 0;
				for (JsonNode element : node.values()) {
					this.largest += 1;
					String inside = nulAt(element);
					if (inside != null) {
						return "[" + index + "]" + inside;
					}
					index++;
				}
				return null;
			}
			if (node.isBigDecimal() || node.isBigInteger()) {
				this.largest += node.asString().length() + 8;
			}
			else if (node.isBinary()) {
				this.largest += 2L * node.binaryValue().length + 4;
			}
			else if (node.isPojo()) {
				// What a POJO node writes is known only by writing it.
				this.largest = Long.MAX_VALUE / 2;
			}
			else {
				this.largest += 32;
			}
			return null;
		}

		private static String segment(String name) {
			if (!name.isEmpty() && !Character.isDigit(name.charAt(0))
					&& name.chars().allMatch((c) -> c == '_' || Character.isLetterOrDigit(c))) {
				return "." + name;
			}
			StringBuilder quoted = new StringBuilder("['");
			for (char c : name.toCharArray()) {
				if (c < 0x20) {
					quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
				}
				else {
					if (c == '\'' || c == '\\') {
						quoted.append('\\');
					}
					quoted.append(c);
				}
			}
			return quoted.append("']").toString();
		}

	}

	/**
	 * Counts the bytes written to it, and keeps none.
	 */
	private static final class Counter extends OutputStream {

		long bytes;

		@Override
		public void write(int b) {
			this.bytes++;
		}

		@Override
		public void write(byte[] b, int off, int len) {
			this.bytes += len;
		}

	}

}

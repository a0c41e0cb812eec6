package dev.workflow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.Job;
import dev.workflow.api.StepExecution;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job's history, to replay: from the database ({@link #of(Job, List)}) or from the JSON of a job that the REST API
 * returns for {@code GET {workflow.api.base-path}/jobs/{id}}, which the dashboard's job page downloads with
 * "Export JSON" ({@link #fromJson(String)}).
 *
 * @param jobId the job's id
 * @param workflow its workflow's name
 * @param input the job's input, as plain JSON values
 * @param history every attempt of every entry of its history
 */
public record JobHistory(UUID jobId, String workflow, @Nullable Object input, List<StepExecution> history) {

	private static final JsonMapper json = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private static final TypeReference<List<StepExecution>> STEPS = new TypeReference<>() {
	};

	/**
	 * Creates a job's history.
	 */
	public JobHistory {
		history = List.copyOf(history);
	}

	/**
	 * Returns the history of a job read through the {@code WorkflowClient}.
	 * @param job the job
	 * @param history its history, from {@code WorkflowClient.history}
	 * @return the history
	 */
	public static JobHistory of(Job job, List<StepExecution> history) {
		return new JobHistory(job.id(), job.workflow(), job.input(), history);
	}

	/**
	 * Reads a job exported as JSON from the REST API: an object with the {@code job} and its {@code steps}.
	 * @param exported the JSON
	 * @return the history
	 * @throws IllegalArgumentException if the JSON is not a job of the REST API
	 */
	public static JobHistory fromJson(String exported) {
		try {
			return fromTree(json.readTree(exported));
		}
		catch (JacksonException ex) {
			throw notAJob(ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Reads a job exported as JSON from the REST API, like {@link #fromJson(String)}.
	 * @param exported the JSON, read to its end but not closed
	 * @return the history
	 * @throws IllegalArgumentException if the JSON is not a job of the REST API
	 */
	public static JobHistory fromJson(InputStream exported) {
		try {
			return fromTree(json.readTree(exported));
		}
		catch (JacksonException ex) {
			throw notAJob(ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Reads a file with a job exported as JSON from the REST API, like {@link #fromJson(String)}.
	 * @param exported the file
	 * @return the history
	 * @throws IllegalArgumentException if the JSON is not a job of the REST API
	 * @throws UncheckedIOException if the file cannot be read
	 */
	public static JobHistory fromJson(Path exported) {
		try (InputStream in = Files.newInputStream(exported)) {
			return fromJson(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the exported job " + exported, ex);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(exported + ": " + ex.getMessage(), ex);
		}
	}

	private static JobHistory fromTree(JsonNode exported) {
		JsonNode job = exported.get("job");
		JsonNode steps = exported.get("steps");
		if (job == null || !job.isObject() || steps == null || !steps.isArray() || !job.hasNonNull("id")
				|| !job.hasNonNull("workflow")) {
			throw notAJob("it has no \"job\" with an \"id\" and a \"workflow\", and \"steps\"", null);
		}
		try {
			return new JobHistory(UUID.fromString(job.get("id").asString()), job.get("workflow").asString(),
					json.treeToValue(job.get("input"), Object.class), json.treeToValue(steps, STEPS));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw notAJob(ex.getMessage(), ex);
		}
	}

	private static IllegalArgumentException notAJob(@Nullable String problem, @Nullable Exception cause) {
		return new IllegalArgumentException("Not a job as the REST API returns it for GET {workflow.api.base-path}"
				+ "/jobs/{id} (the dashboard's \"Export JSON\"): " + problem, cause);
	}

}

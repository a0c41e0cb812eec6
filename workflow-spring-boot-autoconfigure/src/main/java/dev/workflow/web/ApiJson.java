package dev.workflow.web;

import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;

/**
 * The JSON of the REST API's requests and answers, written and read with a mapper of its own so that the
 * application's JSON settings never change their shape.
 */
final class ApiJson {

	private final JsonMapper mapper = JsonMapper.builder().build();

	JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Checks the body is declared JSON here, rather than in the mapping, so that a wrong type is answered with this
	 * API's problem details.
	 */
	static void requireJson(@Nullable String contentType) throws HttpMediaTypeNotSupportedException {
		MediaType type;
		try {
			type = (contentType != null) ? MediaType.parseMediaType(contentType) : null;
		}
		catch (InvalidMediaTypeException ex) {
			type = null;
		}
		if (type == null || !MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
			throw new HttpMediaTypeNotSupportedException(type, List.of(MediaType.APPLICATION_JSON));
		}
	}

	JsonNode body(@Nullable String body) {
		if (body == null || body.isBlank()) {
			throw new ApiValidationException("body", "is missing");
		}
		try {
			return this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw new ApiValidationException("body", "is not JSON: " + ex.getOriginalMessage());
		}
	}

	ResponseEntity<String> ok(Object value) {
		return ResponseEntity.ok(write(value));
	}

	String write(Object value) {
		return this.mapper.writeValueAsString(value);
	}

}

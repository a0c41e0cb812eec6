package dev.workflow.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that IDEs read (generated from {@code WorkflowProperties}, with the hints of
 * {@code additional-spring-configuration-metadata.json} and the development servers' own) and the README's table of
 * properties list the same {@code workflow.*} properties, each with a description.
 */
class ConfigurationMetadataUnitTests {

	private static final Pattern README_ROW = Pattern.compile("^\\| `(workflow\\.[^`]+)` \\|", Pattern.MULTILINE);

	@Test
	void theMetadataAndTheReadmeListTheSameProperties() throws IOException {
		Map<String, String> metadata = metadataDescriptions();
		assertThat(metadata).isNotEmpty().allSatisfy((name, description) -> assertThat(description)
			.as("description of %s", name)
			.isNotBlank());
		assertThat(readmeProperties()).isEqualTo(metadata.keySet());
	}

	@Test
	void propertiesWithFixedValuesHaveHints() throws IOException {
		Set<String> hinted = new TreeSet<>();
		for (JsonNode file : metadataFiles()) {
			file.path("hints").forEach((hint) -> hinted.add(hint.path("name").asString()));
		}
		assertThat(hinted).contains("workflow.retry.non-retryable-exceptions", "workflow.broker.queue-type",
				"workflow.pools.keys", "workflow.worker.pools");
	}

	/**
	 * The properties of the README's table, a map's entries ({@code workflow.pools.<name>.concurrency}) under the
	 * map's name, as the metadata has them.
	 */
	private static Set<String> readmeProperties() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		int start = readme.indexOf("\n## Properties");
		String table = readme.substring(start, readme.indexOf("\n## ", start + 1));
		Set<String> properties = new TreeSet<>();
		Matcher row = README_ROW.matcher(table);
		while (row.find()) {
			String name = row.group(1);
			int entry = name.indexOf(".<");
			properties.add((entry >= 0) ? name.substring(0, entry) : name);
		}
		return properties;
	}

	private static Map<String, String> metadataDescriptions() throws IOException {
		Map<String, String> descriptions = new TreeMap<>();
		for (JsonNode file : metadataFiles()) {
			for (JsonNode property : file.path("properties")) {
				String name = property.path("name").asString();
				if (name.startsWith("workflow.")) {
					descriptions.put(name, property.path("description").asString(""));
				}
			}
		}
		return descriptions;
	}

	private static Iterable<JsonNode> metadataFiles() throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		List<JsonNode> files = new ArrayList<>();
		for (URL url : Collections.list(ConfigurationMetadataUnitTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				JsonNode file = json.readTree(in);
				if (file.toString().contains("\"workflow.")) {
					files.add(file);
				}
			}
		}
		return files;
	}

}

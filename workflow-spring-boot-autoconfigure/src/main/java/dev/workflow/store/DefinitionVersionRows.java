package dev.workflow.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * Reads and writes the rows of {@code wf_definition}: which versions of a pipeline's definition the instances run,
 * and since when, in plain SQL (the table has no entity).
 */
public final class DefinitionVersionRows {

	/** Registers a version; parameters: workflow, fingerprint, step names. */
	private static final String REGISTER = """
			insert into wf_definition (workflow_name, fingerprint, steps) values (?, ?, ?)
			on conflict (workflow_name, fingerprint) do nothing""";

	/** Reads a workflow's versions; parameter: workflow. */
	private static final String VERSIONS = "select fingerprint, registered_at from wf_definition where workflow_name = ?";

	private final JdbcTemplate jdbc;

	/**
	 * Creates the rows' repository.
	 * @param jdbc the statements
	 */
	public DefinitionVersionRows(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Records that an instance runs a version of a pipeline's definition; the first instance to run it sets when it
	 * appeared.
	 * @param workflow the workflow
	 * @param fingerprint the version (see {@code WorkflowDefinition#fingerprint()})
	 * @param steps its step names in order, for people to read
	 */
	public void register(String workflow, String fingerprint, List<String> steps) {
		this.jdbc.update(REGISTER, workflow, fingerprint, String.join(",", steps));
	}

	/**
	 * Reads when each version of a pipeline's definition first appeared.
	 * @param workflow the workflow
	 * @return the versions, by fingerprint
	 */
	public Map<String, Instant> versions(String workflow) {
		Map<String, Instant> versions = new HashMap<>();
		this.jdbc.query(VERSIONS, (RowCallbackHandler) (rows) -> versions.put(rows.getString(1),
				Sql.instant(rows.getObject(2, OffsetDateTime.class))), workflow);
		return versions;
	}

}

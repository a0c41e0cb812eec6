package dev.workflow.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowSummary;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Adds the engine to {@code /actuator/info}, under {@code workflow}: its version, the version of its schema in the
 * database, this instance's worker id, and the workflows this instance has.
 */
public class WorkflowInfoContributor implements InfoContributor {

	private final WorkflowClient client;

	private final String workerId;

	private final Supplier<@Nullable String> schemaVersion;

	/**
	 * Creates the contributor.
	 * @param client lists the workflows
	 * @param workerId this instance's worker id
	 * @param schemaVersion reads the version of the schema, {@code null} if it has none
	 */
	public WorkflowInfoContributor(WorkflowClient client, String workerId, Supplier<@Nullable String> schemaVersion) {
		this.client = client;
		this.workerId = workerId;
		this.schemaVersion = schemaVersion;
	}

	@Override
	public void contribute(Info.Builder builder) {
		Map<String, Object> details = new LinkedHashMap<>();
		String version = WorkflowClient.class.getPackage().getImplementationVersion();
		details.put("version", (version != null) ? version : "unknown");
		String schema = this.schemaVersion.get();
		details.put("schemaVersion", (schema != null) ? schema : "none");
		details.put("workerId", this.workerId);
		details.put("workflows", this.client.summaries()
			.stream()
			.filter((summary) -> summary.kind() != null)
			.map(WorkflowSummary::name)
			.toList());
		builder.withDetail("workflow", details);
	}

}

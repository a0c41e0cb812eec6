package dev.workflow.engine;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.workflow.registry.StepDefinition;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.registry.WorkflowRegistry;
import dev.workflow.store.JobStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The versions of the pipelines' definitions, in the order the instances first ran them (a table in the database
 * that every instance adds its versions to when it starts). They tell an instance of an older release that a job
 * started under a newer definition than its own, so that it hands the job's steps back instead of taking the job
 * back to its older step list (skipping the steps the newer release added). A job that started under an older
 * definition goes on through this instance's: it picks up the steps a release added after its current step.
 */
final class DefinitionVersions {

	private static final Log logger = LogFactory.getLog(DefinitionVersions.class);

	private final JobStore store;

	/** When each version of each workflow appeared, as read last; a version read as absent maps to null. */
	private final Map<String, Map<String, @Nullable Instant>> appeared = new ConcurrentHashMap<>();

	DefinitionVersions(JobStore store) {
		this.store = store;
	}

	/**
	 * Adds this instance's versions of its pipelines to those the instances run.
	 * @param registry this instance's workflows
	 */
	void register(WorkflowRegistry registry) {
		try {
			for (WorkflowDefinition workflow : registry.all()) {
				String fingerprint = workflow.fingerprint();
				if (fingerprint != null) {
					this.store.registerDefinition(workflow.name(), fingerprint,
							workflow.steps().stream().map(StepDefinition::name).toList());
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not record the versions of this instance's pipelines; until it can, it runs jobs of "
					+ "newer versions through its own definitions: " + ex);
		}
	}

	/**
	 * Tells whether a job started under a newer version of its pipeline than this instance's.
	 * @param workflow this instance's definition of the job's workflow
	 * @param version the version the job started under
	 * @return a description of the difference if the job's version is newer, else {@code null}
	 */
	@Nullable String newer(WorkflowDefinition workflow, String version) {
		String ours = workflow.fingerprint();
		if (ours == null || ours.equals(version)) {
			return null;
		}
		Map<String, @Nullable Instant> versions = this.appeared.get(workflow.name());
		if (versions == null || !versions.containsKey(version) || versions.get(ours) == null) {
			versions = new HashMap<>(this.store.definitionVersions(workflow.name()));
			versions.putIfAbsent(version, null);
			this.appeared.put(workflow.name(), versions);
		}
		Instant theirs = versions.get(version);
		Instant mine = versions.get(ours);
		if (theirs == null || mine == null || !theirs.isAfter(mine)) {
			return null;
		}
		return "the job started under version " + version + " of workflow '" + workflow.name()
				+ "', which is newer than this instance's version " + ours + ": this instance would take it back to "
				+ "its older steps";
	}

}

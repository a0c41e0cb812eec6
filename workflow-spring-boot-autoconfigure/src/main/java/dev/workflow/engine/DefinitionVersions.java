package dev.workflow.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.workflow.registry.StepDefinition;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.registry.WorkflowRegistry;
import dev.workflow.store.DefinitionVersionRows;
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

	/** How long a version read as absent stays so before the table is read again. */
	private static final Duration ABSENT_FOR = Duration.ofSeconds(10);

	private final DefinitionVersionRows rows;

	private final Clock clock;

	/** This instance's workflows, once registered. */
	private volatile @Nullable WorkflowRegistry registry;

	/** When each version of each workflow appeared, as read last. */
	private final Map<String, Read> appeared = new ConcurrentHashMap<>();

	private record Read(Map<String, Instant> versions, Instant at) {
	}

	DefinitionVersions(DefinitionVersionRows rows, Clock clock) {
		this.rows = rows;
		this.clock = clock;
	}

	/**
	 * Adds this instance's versions of its pipelines to those the instances run.
	 * @param registry this instance's workflows
	 */
	void register(WorkflowRegistry registry) {
		this.registry = registry;
		try {
			for (WorkflowDefinition workflow : registry.all()) {
				String fingerprint = workflow.fingerprint();
				if (fingerprint != null) {
					this.rows.register(workflow.name(), fingerprint,
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
		Read read = this.appeared.get(workflow.name());
		Instant now = this.clock.instant();
		if (read == null || ((!read.versions().containsKey(version) || !read.versions().containsKey(ours))
				&& read.at().plus(ABSENT_FOR).isBefore(now))) {
			if (read != null && !read.versions().containsKey(ours) && this.registry != null) {
				// This instance could not record its versions when it started: it tries again.
				register(this.registry);
			}
			read = new Read(this.rows.versions(workflow.name()), now);
			this.appeared.put(workflow.name(), read);
		}
		Instant theirs = read.versions().get(version);
		Instant mine = read.versions().get(ours);
		if (theirs == null || mine == null || !theirs.isAfter(mine)) {
			return null;
		}
		return "the job started under version " + version + " of workflow '" + workflow.name()
				+ "', which is newer than this instance's version " + ours + ": this instance would take it back to "
				+ "its older steps";
	}

}

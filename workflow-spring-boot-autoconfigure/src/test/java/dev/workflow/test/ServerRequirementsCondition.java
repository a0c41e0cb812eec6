package dev.workflow.test;

import java.util.Optional;

import dev.workflow.devservers.DevServers;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs a test marked {@link RequiresServersScript} only where the servers it needs are,
 * and otherwise skips it with a message that names what it needs, why, and what this run has. A class-level mark
 * skips the class before its application context starts.
 */
final class ServerRequirementsCondition implements ExecutionCondition {

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		Optional<RequiresServersScript> script = AnnotationSupport.findAnnotation(context.getElement(),
				RequiresServersScript.class);
		if (script.isPresent() && !TestServers.restartable()) {
			return ConditionEvaluationResult.disabled("Needs the servers of scripts/servers.sh (eval \"$(scripts/"
					+ "servers.sh start)\"), since it " + script.get().value() + "; this run has " + servers());
		}
		return ConditionEvaluationResult.enabled("the servers it needs are there");
	}

	private static String servers() {
		return DevServers.database() + ", " + DevServers.broker()
				+ ((System.getenv("WORKFLOW_SERVERS_SCRIPT") != null) ? "" : ", no WORKFLOW_SERVERS_SCRIPT");
	}

}

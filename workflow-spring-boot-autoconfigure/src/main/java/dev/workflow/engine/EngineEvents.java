package dev.workflow.engine;

import dev.workflow.api.WorkflowEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Publishes the engine's {@link WorkflowEvent events} to the application, after the transaction that caused them has
 * committed, and ends the observation of a job that an event ends.
 */
final class EngineEvents {

	private static final Log logger = LogFactory.getLog(EngineEvents.class);

	private final ApplicationEventPublisher events;

	private final EngineObservations observations;

	EngineEvents(ApplicationEventPublisher events, EngineObservations observations) {
		this.events = events;
		this.observations = observations;
	}

	/**
	 * Publishes an event after the current transaction commits, or at once outside a transaction.
	 * @param event the event
	 */
	void afterCommit(WorkflowEvent event) {
		afterCommit(() -> publish(event));
	}

	/**
	 * Runs work after the current transaction commits, or at once outside a transaction.
	 * @param work the work
	 */
	static void afterCommit(Runnable work) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()
				|| !TransactionSynchronizationManager.isSynchronizationActive()) {
			work.run();
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				work.run();
			}
		});
	}

	/**
	 * Publishes an event now. A listener's failure is logged: it must not undo or repeat what the engine has
	 * committed.
	 * @param event the event
	 */
	void publish(WorkflowEvent event) {
		this.observations.jobEnded(event);
		try {
			this.events.publishEvent(event);
		}
		catch (RuntimeException ex) {
			// A listener's failure must not undo or repeat what the engine has committed.
			logger.warn("A listener of " + event + " failed", ex);
		}
	}

}

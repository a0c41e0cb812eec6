package dev.workflow.store;

import java.util.UUID;

import jakarta.persistence.EntityManager;
import org.jspecify.annotations.Nullable;


/**
 * Reads and writes the rows of {@code wf_event}: events sent to a job before its workflow waited for them, through
 * Spring Data JPA, in the caller's transaction.
 */
public final class Events {

	private final EntityManager entityManager;

	private final EventEntityRepository events;

	/**
	 * Creates the rows' repository.
	 * @param entityManager the shared entity manager
	 */
	public Events(EntityManager entityManager) {
		this.entityManager = entityManager;
		this.events = JpaRepositories.create(entityManager, EventEntityRepository.class);
	}

	/**
	 * Keeps an event until the job's workflow waits for it.
	 * @param event the event
	 */
	public void persist(EventEntity event) {
		this.entityManager.persist(event);
	}

	/**
	 * Finds the oldest event of a name sent to a job and not yet taken, and locks it.
	 * @param jobId the job
	 * @param name the event's name
	 * @return the event, or {@code null}
	 */
	public @Nullable EventEntity claimKept(UUID jobId, String name) {
		return this.events.claimKept(jobId, name).orElse(null);
	}

}

package dev.workflow.test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.workflow.api.WorkflowEvent;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Records the workflow events an application context publishes.
 */
@Component
public class RecordedEvents {

	private final List<WorkflowEvent> events = new CopyOnWriteArrayList<>();

	@EventListener
	void on(WorkflowEvent event) {
		this.events.add(event);
	}

	/**
	 * Returns the events of one job, in the order they were published.
	 * @param jobId the job
	 * @return its events
	 */
	public List<WorkflowEvent> of(UUID jobId) {
		return this.events.stream().filter((event) -> event.jobId().equals(jobId)).toList();
	}

}

package dev.workflow.sample.reports;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

import org.springframework.stereotype.Component;

/**
 * A parallel fan-out and a durable sleep: the sections of a document are counted by parallel steps on any instance,
 * then the workflow waits (in the database, not in memory) before it reports.
 */
@Component
@Workflow(name = "word_count")
public class WordCountWorkflow {

	private final ReportSteps steps;

	WordCountWorkflow(ReportSteps steps) {
		this.steps = steps;
	}

	@WorkflowMethod
	public int countWords(List<String> sections) {
		List<Integer> counts = Workflows.all(sections.stream()
			.map((section) -> (Supplier<Integer>) () -> this.steps.countWords(section))
			.toList());
		Workflows.sleep(Duration.ofSeconds(1));
		return counts.stream().mapToInt(Integer::intValue).sum();
	}

}

package dev.workflow.sample.reports;

import dev.workflow.annotation.Step;

import org.springframework.stereotype.Component;

/**
 * Steps of the report workflow.
 */
@Component
public class ReportSteps {

	@Step
	public int countWords(String section) {
		return section.split("\\s+").length;
	}

}

package dev.workflow.test.workflows;

import java.util.ArrayList;
import java.util.List;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;

import org.springframework.stereotype.Component;

/**
 * Five steps, each adding its name to the trail it is given.
 */
@Component
@Workflow(name = "five_steps")
public class FiveStepPipeline {

	@Step(order = 1)
	public List<String> s1(List<String> trail) {
		return add(trail, "s1");
	}

	@Step(order = 2)
	public List<String> s2(List<String> trail) {
		return add(trail, "s2");
	}

	@Step(order = 3)
	public List<String> s3(List<String> trail) {
		return add(trail, "s3");
	}

	@Step(order = 4)
	public List<String> s4(List<String> trail) {
		return add(trail, "s4");
	}

	@Step(order = 5)
	public List<String> s5(List<String> trail) {
		return add(trail, "s5");
	}

	private static List<String> add(List<String> trail, String step) {
		List<String> next = new ArrayList<>(trail);
		next.add(step);
		return next;
	}

}

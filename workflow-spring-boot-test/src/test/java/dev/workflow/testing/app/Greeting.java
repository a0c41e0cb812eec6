package dev.workflow.testing.app;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;

import org.springframework.stereotype.Component;

/**
 * Two quick steps.
 */
@Component
@Workflow(name = "greeting")
public class Greeting {

	@Step(order = 1)
	public String hello(String name) {
		return "Hello, " + name;
	}

	@Step(order = 2)
	public String shout(String greeting) {
		return greeting + "!";
	}

}

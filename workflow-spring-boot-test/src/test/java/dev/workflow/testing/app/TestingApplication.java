package dev.workflow.testing.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application as a user of the test support has one: its {@code @WorkflowTest} classes find it.
 */
@SpringBootApplication
public class TestingApplication {

}

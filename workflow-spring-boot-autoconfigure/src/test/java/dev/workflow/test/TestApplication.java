package dev.workflow.test;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application the integration tests start: the starter's auto-configuration and nothing else of its own.
 */
@SpringBootApplication
public class TestApplication {

}

package dev.workflow.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample application. With no database or broker configured it runs on an embedded PostgreSQL and an embedded
 * AMQP broker; with {@code SPRING_DATASOURCE_URL} and {@code SPRING_RABBITMQ_*} set it uses those servers.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}

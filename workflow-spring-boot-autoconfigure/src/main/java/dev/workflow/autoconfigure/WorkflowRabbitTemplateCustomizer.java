package dev.workflow.autoconfigure;

import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Customizes the template the engine publishes step messages with, after Spring Boot's
 * {@code spring.rabbitmq.template.*} settings and the engine's own (mandatory returns, the publisher connection)
 * have been applied. Declare it as a bean. Leave the engine's settings as they are: its outbox relies on returns
 * and publisher confirms.
 */
@FunctionalInterface
public interface WorkflowRabbitTemplateCustomizer {

	/**
	 * Customizes the template.
	 * @param template the template
	 */
	void customize(RabbitTemplate template);

}

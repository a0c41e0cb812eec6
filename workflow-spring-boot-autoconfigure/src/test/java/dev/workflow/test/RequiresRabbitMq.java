package dev.workflow.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test of a behaviour that only a real RabbitMQ has (the embedded Qpid Broker-J lacks it): it runs where the broker
 * is RabbitMQ (from the environment, or a Testcontainers container) and is skipped, saying why and which broker the
 * run has, on the embedded broker.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(ServerRequirementsCondition.class)
public @interface RequiresRabbitMq {

	/**
	 * What the test needs of RabbitMQ that the embedded broker does not have, for the skip message.
	 * @return the reason
	 */
	String value();

}

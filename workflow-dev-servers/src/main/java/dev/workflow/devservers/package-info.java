/**
 * PostgreSQL and RabbitMQ for tests and local runs of the sample application.
 * Servers come from the environment when given, else from Testcontainers when a Docker engine answers,
 * else embedded in the JVM (a real PostgreSQL from a jar, and Apache Qpid Broker-J speaking AMQP 0-9-1).
 */
@NullMarked
package dev.workflow.devservers;

import org.jspecify.annotations.NullMarked;

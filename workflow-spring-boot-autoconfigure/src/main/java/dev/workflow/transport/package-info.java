/**
 * RabbitMQ: the topology the engine declares, and the publishing and consuming of step messages.
 */
@NullMarked
package dev.workflow.transport;

import org.jspecify.annotations.NullMarked;

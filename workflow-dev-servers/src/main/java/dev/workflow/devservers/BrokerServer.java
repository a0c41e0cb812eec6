package dev.workflow.devservers;

/**
 * An AMQP 0-9-1 broker the application can use.
 *
 * @param source where it came from
 * @param product which broker it is (RabbitMQ, or Qpid Broker-J when embedded)
 * @param host the host
 * @param port the AMQP port
 * @param username the user name
 * @param password the password
 */
public record BrokerServer(ServerSource source, String product, String host, int port, String username,
		String password) {

	@Override
	public String toString() {
		return product + " (" + source.name().toLowerCase() + ") at amqp://" + host + ":" + port;
	}

}

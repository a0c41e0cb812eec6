package dev.workflow.devservers;

import java.time.Duration;
import java.util.concurrent.TimeUnit;


/**
 * The application contexts that use the servers of this JVM (their connection details beans), so that embedded
 * servers stop after them when the JVM exits. Shutdown hooks run at once: without this, a context that closes at exit (Spring Boot's shutdown hook, the
 * test framework's cached contexts) would find its database and broker already gone, and wait for their connections
 * to time out.
 */
final class ServerLeases {

	/** The longest an embedded server waits, at exit, for the contexts that use it to close. */
	static final Duration MOST_WAIT = Duration.ofSeconds(20);

	private static int open;

	private ServerLeases() {
	}

	/**
	 * Takes a lease: a context uses a server embedded in this JVM.
	 */
	static synchronized void take() {
		open++;
	}

	/**
	 * Gives a lease back: a context that used a server is closed.
	 */
	static synchronized void giveBack() {
		open--;
		ServerLeases.class.notifyAll();
	}

	/**
	 * Waits, at most {@link #MOST_WAIT}, until every context that took a lease has been destroyed.
	 */
	static synchronized void awaitReleased() {
		long deadline = System.nanoTime() + MOST_WAIT.toNanos();
		try {
			for (long left = MOST_WAIT.toNanos(); open > 0 && left > 0; left = deadline - System.nanoTime()) {
				TimeUnit.NANOSECONDS.timedWait(ServerLeases.class, left);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

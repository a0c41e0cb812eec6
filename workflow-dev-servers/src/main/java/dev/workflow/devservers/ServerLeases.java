package dev.workflow.devservers;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application contexts that use the servers this JVM embeds, so that the servers stop after them when the JVM
 * exits. Shutdown hooks run at once: without this, a context that closes at exit (Spring Boot's shutdown hook, the
 * test framework's cached contexts) would find its database and broker already gone, and wait for their connections
 * to time out.
 */
final class ServerLeases {

	/** The longest an embedded server waits, at exit, for the contexts that use it to close. */
	static final Duration MOST_WAIT = Duration.ofSeconds(20);

	private static final String BEAN_NAME = "workflowDevServersLease";

	private static int open;

	private ServerLeases() {
	}

	/**
	 * Takes a lease for a context that is being prepared, given back when the context is destroyed: the lease is the
	 * first disposable bean of the context, so the last one destroyed.
	 * @param context the context
	 */
	static void take(ConfigurableApplicationContext context) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (beanFactory.containsSingleton(BEAN_NAME)) {
			return;
		}
		synchronized (ServerLeases.class) {
			open++;
		}
		DisposableBean release = ServerLeases::giveBack;
		beanFactory.registerSingleton(BEAN_NAME, release);
		if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
			registry.registerDisposableBean(BEAN_NAME, release);
		}
	}

	private static synchronized void giveBack() {
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

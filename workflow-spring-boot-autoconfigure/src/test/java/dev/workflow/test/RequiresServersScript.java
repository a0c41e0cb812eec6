package dev.workflow.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that restarts or stops the servers through {@code scripts/servers.sh}: it runs where the servers came from
 * that script (as in CI's second pass), and is skipped, saying why and which servers the run has, everywhere else
 * (embedded servers, say).
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(ServerRequirementsCondition.class)
public @interface RequiresServersScript {

	/**
	 * What the test does with the servers, for the skip message.
	 * @return the reason
	 */
	String value();

}

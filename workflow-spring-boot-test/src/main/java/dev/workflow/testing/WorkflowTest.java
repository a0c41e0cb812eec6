package dev.workflow.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.ContextCustomizerFactories;

/**
 * A test of an application's workflows on real servers (the embedded ones of {@code workflow-dev-servers}, or the
 * application's own: properties, {@code @ServiceConnection} containers), as {@link SpringBootTest @SpringBootTest}
 * runs it, with three additions:
 * <ul>
 * <li>Each application context the test framework creates gets an exchange, queues and a database schema of its
 * own, so that contexts it keeps in its cache never take each other's messages or due work, and no
 * {@code @DirtiesContext} is needed. The schema (first on the connections' search path, so that the application's
 * own tables are found in it before {@code public}) and the queues are dropped when the context closes.</li>
 * <li>A {@link WorkflowTestTime} bean, the engine's {@link java.time.Clock}, whose
 * {@link WorkflowTestTime#advance advance} moves time forward and runs what falls due at once: a test of a workflow
 * that sleeps three days takes well under a second.</li>
 * <li>A {@link WorkflowTestEvents} bean that records the engine's {@link dev.workflow.api.WorkflowEvent events}
 * and waits for them.</li>
 * </ul>
 * Assert on jobs with {@link WorkflowAssertions}:
 * <pre class="code">
 * &#64;WorkflowTest
 * class OnboardingTests {
 *
 * 	&#64;Autowired WorkflowClient client;
 * 	&#64;Autowired WorkflowTestTime time;
 *
 * 	&#64;Test
 * 	void followsUpThreeDaysLater() {
 * 		JobHandle&lt;String&gt; job = client.start("onboarding", "ada@example.com").as(String.class);
 * 		time.advance(Duration.ofDays(3));
 * 		assertThat(job).completesWithin(Duration.ofSeconds(5)).step("send_follow_up").hasAttempts(1);
 * 	}
 *
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest
@ContextCustomizerFactories(WorkflowTestContextCustomizerFactory.class)
public @interface WorkflowTest {

	/**
	 * Properties in the form {@code key=value} added to the test's environment, as
	 * {@link SpringBootTest#properties()} takes them.
	 * @return the properties
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "properties")
	String[] properties() default {};

	/**
	 * The component classes of the application context, as {@link SpringBootTest#classes()} takes them; none (the
	 * default) finds the application's {@code @SpringBootConfiguration}.
	 * @return the classes
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "classes")
	Class<?>[] classes() default {};

	/**
	 * The web environment, as {@link SpringBootTest#webEnvironment()} takes it.
	 * @return the web environment
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "webEnvironment")
	SpringBootTest.WebEnvironment webEnvironment() default SpringBootTest.WebEnvironment.MOCK;

}

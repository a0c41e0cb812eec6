package dev.workflow;

import java.time.Clock;
import java.util.List;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitAccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.workflow.autoconfigure.WorkflowAutoConfiguration;

import org.springframework.core.MethodParameter;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The rules that hold the engine's architecture (see {@code ARCHITECTURE.md}), checked against the main classes of
 * this module on every {@code mvn verify}: the layering is a test, not only a drawing. Each rule says why it holds;
 * a change that breaks one either moves code to where it belongs or argues here, in the rule, for the exception.
 */
@AnalyzeClasses(packages = "dev.workflow",
		importOptions = { ImportOption.DoNotIncludeTests.class, ArchitectureTests.ThisModule.class })
class ArchitectureTests {

	/**
	 * The one class allowed to read the system clock: it provides the default {@link Clock} bean.
	 */
	static final String DEFAULT_CLOCK = "dev.workflow.autoconfigure.WorkflowAutoConfiguration$ClockConfiguration";

	/** The packages whose types are SQL, JDBC, JPA or Spring Data. */
	private static final String[] PERSISTENCE = { "java.sql..", "javax.sql..", "jakarta.persistence..",
			"org.springframework.jdbc..", "org.springframework.data..", "org.springframework.orm..", "org.hibernate.." };

	/** No cycles between the packages under {@code dev.workflow}. */
	@ArchTest
	static final ArchRule packagesAreFreeOfCycles = slices().matching("dev.workflow.(*)..")
		.should()
		.beFreeOfCycles()
		.because("dependencies point one way (autoconfigure -> engine -> store, transport, registry -> api, "
				+ "annotation), so each package can be read, tested and changed without the ones above it");

	/** The annotations depend on nothing of ours but the API's values. */
	@ArchTest
	static final ArchRule annotationsDependOnNothingElseOfOurs = classes().that()
		.resideInAPackage("dev.workflow.annotation..")
		.should()
		.onlyDependOnClassesThat(
				resideInAnyPackage("dev.workflow.annotation..", "dev.workflow.api..", "java..", "org.jspecify.."))
		.because("applications put these annotations on their own beans: they must not pull in the engine, only "
				+ "the API's values that an attribute takes (MissedFires)");

	/** The API depends on nothing of ours. */
	@ArchTest
	static final ArchRule apiDependsOnNothingElseOfOurs = classes().that()
		.resideInAPackage("dev.workflow.api..")
		.should()
		.onlyDependOnClassesThat(resideInAnyPackage("dev.workflow.api..", "java..", "org.jspecify..")
			.or(type(MethodParameter.class)))
		.because("applications compile against the API alone, so that the engine behind it can change; "
				+ "StepArgumentResolver is Spring's kind of resolver and takes Spring's MethodParameter");

	/**
	 * Only the store touches SQL, JDBC, JPA or Spring Data. The auto-configuration may too: it wires the store to the
	 * application's {@code EntityManagerFactory} and {@code DataSource}, and its failure analyzer reads the
	 * {@code SQLException} behind a start-up failure to say which server is missing.
	 */
	@ArchTest
	static final ArchRule onlyTheStoreTouchesPersistence = noClasses().that()
		.resideOutsideOfPackages("dev.workflow.store..", "dev.workflow.autoconfigure..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage(PERSISTENCE)
		.because("one package owns the tables and how they are read and written; the engine decides, the store "
				+ "stores, and a change of the schema or of a statement stays in the store");

	/** The REST API and the dashboard use the API only. */
	@ArchTest
	static final ArchRule webUsesOnlyTheApi = noClasses().that()
		.resideInAPackage("dev.workflow.web..")
		.should()
		.dependOnClassesThat(resideInAPackage("dev.workflow..")
			.and(resideOutsideOfPackages("dev.workflow.api..", "dev.workflow.web..")))
		.because("the REST API and the dashboard do what an application can do through WorkflowClient, "
				+ "and no more: they must not reach into the engine or the store");

	/** Nothing reads the system clock but the default clock bean. */
	@ArchTest
	static final ArchRule timeComesFromTheInjectedClock = noClasses().that()
		.doNotHaveFullyQualifiedName(DEFAULT_CLOCK)
		.should()
		.accessTargetWhere(readsTheSystemClock())
		.because("every instant the engine stores or compares comes from the one injected Clock, so that an "
				+ "application or a test that provides its own Clock controls the engine's time "
				+ "(System.nanoTime stays allowed: it measures elapsed time, not the time of day)");

	/**
	 * Calls and references that read the system's time of day: {@code System.currentTimeMillis()}, the system
	 * clocks of {@link Clock}, {@code now()} and {@code now(ZoneId)} of the {@code java.time} types (only
	 * {@code now(Clock)} is allowed), {@code new Date()} and {@code Calendar.getInstance}.
	 */
	private static DescribedPredicate<JavaAccess<?>> readsTheSystemClock() {
		return DescribedPredicate.describe("reads the system clock", (access) -> {
			AccessTarget target = access.getTarget();
			String owner = target.getOwner().getName();
			String name = target.getName();
			List<JavaClass> parameters = (target instanceof CodeUnitAccessTarget codeUnit)
					? codeUnit.getRawParameterTypes() : List.of();
			return switch (owner) {
				case "java.lang.System" -> name.equals("currentTimeMillis");
				case "java.time.Clock" -> name.startsWith("system") || name.equals("tickMillis")
						|| name.equals("tickSeconds") || name.equals("tickMinutes");
				case "java.util.Date" -> name.equals("<init>") && parameters.isEmpty();
				case "java.util.Calendar" -> name.equals("getInstance");
				default -> (owner.startsWith("java.time.")) && name.equals("now")
						&& !(parameters.size() == 1 && parameters.get(0).isEquivalentTo(Clock.class));
			};
		});
	}

	/**
	 * Imports the classes of this module only: the other modules of the build (such as the development servers)
	 * are on the class path too, under {@code dev.workflow}, but have rules of their own to keep.
	 */
	public static final class ThisModule implements ImportOption {

		private static final String ROOT = WorkflowAutoConfiguration.class.getProtectionDomain()
			.getCodeSource()
			.getLocation()
			.toString();

		@Override
		public boolean includes(Location location) {
			return location.asURI().toString().startsWith(ROOT);
		}

	}

}

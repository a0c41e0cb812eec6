package dev.workflow.devservers;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The development servers back off when the application has servers of its own: connection details beans (as
 * {@code @ServiceConnection} containers and Docker Compose give them), connection properties, or the switch; and
 * when offered, they start only when a data source or connection factory asks for them. No server is started by any
 * of these tests (this JVM starts none).
 */
class DevServersAutoConfigurationTests {

	/**
	 * Without the process's environment variables and system properties: where CI names servers with
	 * {@code SPRING_DATASOURCE_URL} and the like, the configuration here must still name none unless a test says so.
	 */
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withInitializer((context) -> {
			context.getEnvironment()
				.getPropertySources()
				.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
			context.getEnvironment()
				.getPropertySources()
				.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		})
		.withConfiguration(AutoConfigurations.of(DevServersAutoConfiguration.class));

	@AfterEach
	void noServerWasStarted() {
		assertThat(DevServers.anyChosen()).isFalse();
	}

	@Test
	void whenTheApplicationHasConnectionDetailsOfItsOwnThenNoServerIsOfferedNorStarted() {
		this.runner.withBean(JdbcConnectionDetails.class, OwnDatabase::new)
			.withBean(RabbitConnectionDetails.class, OwnBroker::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(JdbcConnectionDetails.class)).isInstanceOf(OwnDatabase.class);
				assertThat(context).doesNotHaveBean(DevServersAutoConfiguration.DevServersJdbcConnectionDetails.class)
					.doesNotHaveBean(DevServersAutoConfiguration.DevServersRabbitConnectionDetails.class);
			});
	}

	@Test
	void whenNothingNamesServersThenTheyAreOfferedAndStartOnlyWhenAskedFor() {
		this.runner.run((context) -> assertThat(context)
			.hasSingleBean(DevServersAutoConfiguration.DevServersJdbcConnectionDetails.class)
			.hasSingleBean(DevServersAutoConfiguration.DevServersRabbitConnectionDetails.class));
	}

	@Test
	void whenTheConfigurationNamesTheServersThenNoneIsOffered() {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example.com/app",
					"spring.rabbitmq.addresses=amqp://mq.example.com")
			.run((context) -> assertThat(context).doesNotHaveBean(JdbcConnectionDetails.class)
				.doesNotHaveBean(RabbitConnectionDetails.class));
	}

	@Test
	void whenTheDevServersAreSwitchedOffThenNoneIsOffered() {
		this.runner.withPropertyValues("workflow.dev-servers.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(JdbcConnectionDetails.class)
				.doesNotHaveBean(RabbitConnectionDetails.class));
	}

	static class OwnDatabase implements JdbcConnectionDetails {

		@Override
		public String getUsername() {
			return "app";
		}

		@Override
		public String getPassword() {
			return "secret";
		}

		@Override
		public String getJdbcUrl() {
			return "jdbc:postgresql://db.example.com/app";
		}

	}

	static class OwnBroker implements RabbitConnectionDetails {

		@Override
		public List<Address> getAddresses() {
			return List.of(new Address("mq.example.com", 5672));
		}

	}

}

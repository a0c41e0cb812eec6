package dev.workflow.store;

import java.util.List;
import java.util.Map;

import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class WorkflowSchemaMigrationIntegrationTests {

	@Test
	void whenApplicationHasItsOwnFlywayMigrationsThenBothApplyWithSeparateHistories() {
		String url = TestDatabases.createEmptyDatabase();
		try (ConfigurableApplicationContext context = startWithApplicationMigrations(url)) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(tables(jdbc)).contains("app_order", "wf_job", "flyway_schema_history", "wf_schema_history");
			assertThat(appliedVersions(jdbc, "flyway_schema_history")).containsExactly("1");
			assertThat(appliedVersions(jdbc, "wf_schema_history")).startsWith("1", "2");
			List<Map<String, Object>> appScripts = jdbc.queryForList("select script from flyway_schema_history");
			assertThat(appScripts).extracting((row) -> row.get("script")).containsExactly("V1__orders.sql");
		}
		// A second start finds both histories up to date and changes nothing.
		try (ConfigurableApplicationContext context = startWithApplicationMigrations(url)) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(appliedVersions(jdbc, "flyway_schema_history")).containsExactly("1");
			assertThat(jdbc.queryForObject("select count(*) from wf_schema_history where version = '1'", Integer.class))
				.isEqualTo(1);
		}
	}

	@Test
	void whenTheEngineRunsAloneOnAnEmptyDatabaseThenItCreatesItsTablesAndNoApplicationHistory() {
		String url = TestDatabases.createEmptyDatabase();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.run("--spring.datasource.url=" + url)) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(tables(jdbc)).contains("wf_job", "wf_schema_history").doesNotContain("flyway_schema_history");
		}
	}

	private static ConfigurableApplicationContext startWithApplicationMigrations(String url) {
		return new SpringApplicationBuilder(TestApplication.class)
			.run("--spring.datasource.url=" + url, "--spring.flyway.enabled=true", "--spring.flyway.locations=classpath:db/app-migrations");
	}

	private static List<String> tables(JdbcTemplate jdbc) {
		return jdbc.queryForList("select table_name from information_schema.tables where table_schema = 'public'",
				String.class);
	}

	private static List<String> appliedVersions(JdbcTemplate jdbc, String historyTable) {
		return jdbc.queryForList("select version from " + historyTable
				+ " where success and type <> 'BASELINE' and version is not null order by installed_rank", String.class);
	}

}

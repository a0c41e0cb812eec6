package dev.workflow.store;

import java.util.List;

import dev.workflow.api.JobQuery;
import dev.workflow.devservers.DatabaseServer;
import dev.workflow.devservers.DevServers;
import dev.workflow.test.TestDatabases;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;

class UserContextIndexIntegrationTests {

	@Test
	void whenJobsAreFoundByAUserContextFieldThenThePlannerUsesTheGinIndex() {
		DatabaseServer server = DevServers.database();
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(TestDatabases.createEmptyDatabase(),
				server.username(), server.password(), true);
		try {
			new WorkflowSchemaMigration(dataSource, "wf_schema_history").afterPropertiesSet();
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			jdbc.update("insert into wf_job (id, workflow_name, status, user_context, created_at) "
					+ "select gen_random_uuid(), 'orders', 'COMPLETED', "
					+ "jsonb_build_object('user', 'user-' || n, 'tenant', 'tenant-' || (n % 50)), now() "
					+ "from generate_series(1, 20000) as n");
			jdbc.execute("analyze wf_job");

			String sql = JobSearch.findSql(JobQuery.all().userContext("user", "user-4242"));
			List<String> plan = jdbc.queryForList("explain " + sql, String.class, "{\"user\": \"user-4242\"}", 100, 0);

			assertThat(String.join("\n", plan)).contains("wf_job_user_context_gin");
			assertThat(jdbc.queryForList(sql.replace("select *", "select user_context ->> 'user'"), String.class,
					"{\"user\": \"user-4242\"}", 100, 0))
				.containsExactly("user-4242");
		}
		finally {
			dataSource.destroy();
		}
	}

}

package dev.workflow.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.JobStatus;
import dev.workflow.test.TestApplication;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@DirtiesContext
@SpringBootTest(classes = TestApplication.class)
class JobEntityIntegrationTests {

	@Autowired
	EntityManager entityManager;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void whenAJobIsSavedThenItsJsonColumnsRoundTripAndAUserContextFieldFindsIt() {
		UUID id = UUID.randomUUID();
		String user = "prryplatypus-" + id;
		this.transactions.executeWithoutResult((status) -> {
			JobEntity job = new JobEntity(id, "my_first_workflow", JobStatus.QUEUED, Instant.now());
			job.setInput("21");
			job.setUserContext("{\"user\": \"" + user + "\", \"plan\": {\"tier\": \"gold\"}}");
			job.setStepContext("{\"orderId\": \"o-1\"}");
			this.entityManager.persist(job);
		});

		JobEntity loaded = this.transactions.execute((status) -> this.entityManager.find(JobEntity.class, id));
		assertThat(loaded).isNotNull();
		assertThat(loaded.getWorkflowName()).isEqualTo("my_first_workflow");
		assertThat(loaded.getInput()).isEqualTo("21");
		assertThat(loaded.getUserContext()).contains("\"user\": \"" + user + "\"");
		assertThat(loaded.getVersion()).isZero();

		@SuppressWarnings("unchecked")
		List<UUID> byField = this.transactions.execute((status) -> this.entityManager
			.createNativeQuery("select id from wf_job where user_context ->> 'user' = :user", UUID.class)
			.setParameter("user", user)
			.getResultList());
		assertThat(byField).containsExactly(id);

		@SuppressWarnings("unchecked")
		List<UUID> byContainment = this.transactions.execute((status) -> this.entityManager
			.createNativeQuery("select id from wf_job where user_context @> cast(:probe as jsonb)", UUID.class)
			.setParameter("probe", "{\"user\": \"" + user + "\", \"plan\": {\"tier\": \"gold\"}}")
			.getResultList());
		assertThat(byContainment).containsExactly(id);
	}

	@Test
	void whenTheSchemaIsCreatedThenUserContextIsJsonbWithAGinIndex() {
		assertThat(this.jdbc.queryForObject(
				"select data_type from information_schema.columns where table_name = 'wf_job' and column_name = 'user_context'",
				String.class))
			.isEqualTo("jsonb");
		assertThat(this.jdbc.queryForList("select indexdef from pg_indexes where tablename = 'wf_job'", String.class))
			.anySatisfy((definition) -> assertThat(definition).contains("USING gin (user_context"));
	}

}

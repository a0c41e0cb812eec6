package dev.workflow.sample;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest
class SampleApplicationTests {

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void whenTheSampleStartsThenTheEngineTablesExist() {
		assertThat(this.jdbc.queryForObject("select count(*) from wf_schema_history where version = '1' and success",
				Integer.class))
			.isEqualTo(1);
	}

}

package dev.workflow.web;

import java.time.Instant;
import java.util.Map;

import dev.workflow.api.JobQuery;
import dev.workflow.api.JobStatus;
import dev.workflow.web.ApiValidationException.InvalidParameter;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * How the REST API reads the parameters of a job list: filters and pages, and every invalid parameter named at once.
 * No servers.
 */
class JobListRequestUnitTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void whenNoParameterIsGivenThenAllJobsAreListedTwentyToAPage() {
		JobListRequest request = read(Map.of());

		assertThat(request.page()).isZero();
		assertThat(request.size()).isEqualTo(20);
		assertThat(request.query()).isEqualTo(JobQuery.all().offset(0).limit(21));
	}

	@Test
	void whenFiltersAreGivenThenTheQueryHasThemAndFetchesOneJobMoreThanThePageToTellWhetherAnotherFollows() {
		JobListRequest request = read(Map.of("workflow", "order", "status", "FAILED", "createdAfter",
				"2026-01-01T00:00:00Z", "createdBefore", "2026-02-01T00:00:00Z", "page", "3", "size", "50"));

		JobQuery query = request.query();
		assertThat(query.workflow()).isEqualTo("order");
		assertThat(query.status()).isEqualTo(JobStatus.FAILED);
		assertThat(query.createdAfter()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
		assertThat(query.createdBefore()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
		assertThat(query.offset()).isEqualTo(150);
		assertThat(query.limit()).isEqualTo(51);
		assertThat(request.page()).isEqualTo(3);
		assertThat(request.size()).isEqualTo(50);
	}

	@Test
	void whenUserContextFieldsAreGivenThenJsonLiteralsKeepTheirTypeAndOtherValuesAreStrings() {
		JobListRequest request = read(Map.of("userContext.tenant", "acme", "userContext.priority", "3",
				"userContext.vip", "true", "userContext.code", "\"007\"", "userContext.tags", "[1,2]"));

		assertThat(request.query().userContext()).containsOnly(Map.entry("tenant", "acme"),
				Map.entry("priority", 3), Map.entry("vip", true), Map.entry("code", "007"),
				Map.entry("tags", "[1,2]"));
	}

	@Test
	void whenParametersAreInvalidThenEveryOneIsNamedWithWhatIsWrong() {
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
		parameters.add("status", "DONE");
		parameters.add("createdAfter", "yesterday");
		parameters.add("page", "-1");
		parameters.add("size", "201");
		parameters.add("sort", "createdAt");
		parameters.add("userContext.", "x");
		parameters.add("workflow", "a");
		parameters.add("workflow", "b");

		assertThatExceptionOfType(ApiValidationException.class).isThrownBy(() -> JobListRequest.of(parameters, json))
			.satisfies((ex) -> assertThat(ex.errors()).extracting(InvalidParameter::parameter)
				.containsExactlyInAnyOrder("status", "createdAfter", "page", "size", "sort", "userContext.",
						"workflow"))
			.satisfies((ex) -> assertThat(ex.errors()).extracting(InvalidParameter::parameter, InvalidParameter::message)
				.contains(tuple("workflow", "given more than once"),
						tuple("sort", "is not a parameter of this request; use workflow, status, createdAfter, "
								+ "createdBefore, userContext.<field>, page or size"),
						tuple("userContext.", "names no field of the user context"),
						tuple("createdAfter",
								"'yesterday' is not an ISO-8601 instant such as 2026-01-31T09:30:00Z"),
						tuple("page", "'-1' is not a whole number from 0 to 1000000"),
						tuple("size", "'201' is not a whole number from 1 to 200")))
			.satisfies((ex) -> assertThat(ex.errors()).filteredOn((error) -> error.parameter().equals("status"))
				.singleElement()
				.extracting(InvalidParameter::message)
				.asString()
				.startsWith("'DONE' is not one of [")
				.contains("FAILED"))
			.withMessageContaining("status: 'DONE' is not one of")
			.withMessageContaining("; size: '201' is not a whole number from 1 to 200");
	}

	@Test
	void whenTheTimeWindowIsEmptyThenCreatedAfterMustBeBeforeCreatedBefore() {
		assertThatExceptionOfType(ApiValidationException.class)
			.isThrownBy(() -> read(Map.of("createdAfter", "2026-02-01T00:00:00Z", "createdBefore",
					"2026-02-01T00:00:00Z")))
			.satisfies((ex) -> assertThat(ex.errors())
				.containsExactly(new InvalidParameter("createdAfter", "must be before createdBefore")));
	}

	@Test
	void whenTheWorkflowNameIsBlankOrTooLongThenItIsRefused() {
		for (String name : new String[] { " ", "w".repeat(201) }) {
			assertThatExceptionOfType(ApiValidationException.class).isThrownBy(() -> read(Map.of("workflow", name)))
				.satisfies((ex) -> assertThat(ex.errors())
					.containsExactly(new InvalidParameter("workflow", "must have 1 to 200 characters")));
		}
		assertThat(read(Map.of("workflow", "w".repeat(200))).query().workflow()).hasSize(200);
	}

	@Test
	void whenThePageReachesPastTheLargestOffsetThenItIsRefusedAndTheLastPageWithinItIsAllowed() {
		assertThatExceptionOfType(ApiValidationException.class)
			.isThrownBy(() -> read(Map.of("page", "5001", "size", "200")))
			.satisfies((ex) -> assertThat(ex.errors()).containsExactly(new InvalidParameter("page",
					"page times size must be at most 1000000; narrow the search instead")));
		assertThat(read(Map.of("page", "5000", "size", "200")).query().offset()).isEqualTo(JobQuery.MAX_OFFSET);
	}

	@Test
	void whenANumberIsNotANumberThenItIsRefused() {
		assertThatExceptionOfType(ApiValidationException.class).isThrownBy(() -> read(Map.of("size", "ten")))
			.satisfies((ex) -> assertThat(ex.errors())
				.containsExactly(new InvalidParameter("size", "'ten' is not a whole number from 1 to 200")));
	}

	private static JobListRequest read(Map<String, String> parameters) {
		MultiValueMap<String, String> values = new LinkedMultiValueMap<>();
		parameters.forEach(values::add);
		return JobListRequest.of(values, json);
	}

}

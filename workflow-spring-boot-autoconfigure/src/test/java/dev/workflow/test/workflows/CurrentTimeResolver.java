package dev.workflow.test.workflows;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import dev.workflow.api.JobInfo;
import dev.workflow.api.StepArgumentResolver;

import org.springframework.core.MethodParameter;
import org.springframework.stereotype.Component;

/**
 * Supplies the current time to step parameters of type {@link LocalDateTime}: Ergate's {@code Depends}, the Spring
 * way. The clock is fixed, so that tests can check the printed line.
 */
@Component
public class CurrentTimeResolver implements StepArgumentResolver {

	public static final LocalDateTime NOW = LocalDateTime.of(2026, 11, 23, 12, 0, 0);

	private final Clock clock = Clock.fixed(NOW.toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return parameter.getParameterType() == LocalDateTime.class;
	}

	@Override
	public Object resolveArgument(MethodParameter parameter, JobInfo jobInfo) {
		return LocalDateTime.now(this.clock);
	}

}

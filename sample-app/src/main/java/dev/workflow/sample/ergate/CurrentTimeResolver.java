package dev.workflow.sample.ergate;

import java.time.Clock;
import java.time.LocalDateTime;

import dev.workflow.api.JobInfo;
import dev.workflow.api.StepArgumentResolver;

import org.springframework.core.MethodParameter;
import org.springframework.stereotype.Component;

/**
 * Gives steps the current time: Ergate's {@code Depends(create_current_time)}, the Spring way.
 */
@Component
class CurrentTimeResolver implements StepArgumentResolver {

	private final Clock clock = Clock.systemDefaultZone();

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return parameter.getParameterType() == LocalDateTime.class;
	}

	@Override
	public Object resolveArgument(MethodParameter parameter, JobInfo jobInfo) {
		return LocalDateTime.now(this.clock);
	}

}

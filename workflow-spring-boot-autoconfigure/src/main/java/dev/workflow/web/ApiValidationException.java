package dev.workflow.web;

import java.util.List;

/**
 * A request to the REST API with parameters or a body that cannot be used; answered 400 with every problem found.
 */
class ApiValidationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient List<InvalidParameter> errors;

	ApiValidationException(List<InvalidParameter> errors) {
		super(summary(errors));
		this.errors = List.copyOf(errors);
	}

	ApiValidationException(String parameter, String message) {
		this(List.of(new InvalidParameter(parameter, message)));
	}

	List<InvalidParameter> errors() {
		return this.errors;
	}

	private static String summary(List<InvalidParameter> errors) {
		StringBuilder summary = new StringBuilder();
		for (InvalidParameter error : errors) {
			summary.append((summary.length() > 0) ? "; " : "").append(error.parameter()).append(": ")
				.append(error.message());
		}
		return summary.toString();
	}

	/**
	 * One parameter's problem.
	 * @param parameter the parameter (or body field)
	 * @param message what is wrong with it
	 */
	record InvalidParameter(String parameter, String message) {
	}

}

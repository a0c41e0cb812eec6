package dev.workflow.devservers;

/**
 * A PostgreSQL server the application can use.
 *
 * @param source where it came from
 * @param jdbcUrl the JDBC URL
 * @param username the user name
 * @param password the password
 */
public record DatabaseServer(ServerSource source, String jdbcUrl, String username, String password) {

	@Override
	public String toString() {
		return "PostgreSQL (" + source.name().toLowerCase() + ") at " + jdbcUrl;
	}

}

package dev.workflow.store;

import java.sql.SQLException;
import java.util.List;

import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.TransactionException;

/**
 * Tells failures of the database that pass from those it would repeat, by their Spring type and their SQLSTATE, so
 * that only the store knows about {@code java.sql}.
 */
public final class DataAccessFailures {

	/**
	 * SQLSTATEs (and their classes) of failures that pass: connection exceptions, operator intervention (a server
	 * shutting down, a statement cancelled), insufficient resources, serialization failures and deadlocks, a lock not
	 * available.
	 */
	private static final List<String> TRANSIENT_SQL_STATES = List.of("08", "57", "53", "40", "55P03");

	/** SQLSTATEs (and their classes) of a database that cannot be reached: connection exceptions, its shutdown. */
	private static final List<String> UNREACHABLE_SQL_STATES = List.of("08", "57P01", "57P02", "57P03");

	private DataAccessFailures() {
	}

	/**
	 * Whether a failure says that it may pass: a conflict with another transaction, a connection lost or refused, an
	 * operator's intervention, or resources the database ran short of. A failure this does not recognize may still
	 * pass if the database does not answer now (see {@link JobRows#ping()}).
	 * @param ex the failure
	 * @return whether it is transient by its type or SQLSTATE
	 */
	public static boolean isTransient(RuntimeException ex) {
		return ex instanceof TransientDataAccessException || ex instanceof RecoverableDataAccessException
				|| ex instanceof TransactionException || hasSqlState(ex, TRANSIENT_SQL_STATES);
	}

	/**
	 * Whether a failure says that the database cannot be reached now, or that a transaction could not begin or end:
	 * a connection refused or lost, the server shutting down. Whatever runs next on it fails the same way.
	 * @param ex the failure
	 * @return whether the database is away, by the failure's type or SQLSTATE
	 */
	public static boolean isUnreachable(RuntimeException ex) {
		return ex instanceof CannotGetJdbcConnectionException || ex instanceof TransactionException
				|| hasSqlState(ex, UNREACHABLE_SQL_STATES);
	}

	private static boolean hasSqlState(RuntimeException ex, List<String> states) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null
					&& states.stream().anyMatch(sql.getSQLState()::startsWith)) {
				return true;
			}
		}
		return false;
	}

}

package dev.workflow.store;

import java.sql.SQLException;
import java.util.List;

import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
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
		if (ex instanceof TransientDataAccessException || ex instanceof RecoverableDataAccessException
				|| ex instanceof TransactionException) {
			return true;
		}
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null
					&& TRANSIENT_SQL_STATES.stream().anyMatch(sql.getSQLState()::startsWith)) {
				return true;
			}
		}
		return false;
	}

}

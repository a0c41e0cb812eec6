package dev.workflow.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Lets units of work that threads hand in at the same moment share one transaction and its commit: group commit, as
 * a database does with its log, one level up, where it also saves the transaction's round trips and set-up. No unit
 * waits for others to come: a thread that finds no group committing commits its own unit at once, alone or with
 * those that arrived meanwhile; a thread that finds one committing waits for it to end and then commits, in one
 * transaction, every unit that arrived while it waited. So a lone unit is not slower, and under load the number of
 * commits falls to about one per commit's time.
 * <p>
 * Each unit's effects commit or roll back together, as in a transaction of their own; a group commits all its units
 * or none. A unit must therefore not roll back on its own (it changes nothing instead), and must do nothing outside
 * the database, since it may run twice: when a unit fails in a group, the group is rolled back and every thread runs
 * its unit again alone, so that only the unit that failed fails, with its own exception. A database that cannot be
 * reached, or a transaction that could not begin or end, fails every unit of the group with it instead, as each would
 * have failed alone (and a commit whose outcome is unknown is not followed by more statements). A unit whose commit
 * was lost that way may have committed: a completion is fenced by its claim, and changes nothing if run again.
 * <p>
 * A group waits at most {@value #GROUP_LOCK_TIMEOUT} for a lock (a row another transaction holds, an index entry):
 * past that it is rolled back and its units run alone, so that one unit that waits for a lock makes only its own
 * thread wait, as it would alone. Units run on the thread that commits the group, in the order of their job, in a
 * transaction of their own.
 * <p>
 * A thread that already has a transaction, or holds resources bound to it (an entity manager kept open for a web
 * request, say), runs its unit alone: its unit may need what the thread holds, and another thread's group must not
 * take it up. Grouping assumes that the data source does not depend on the calling thread (a tenant chosen by a
 * thread-local, say): with one that does, set {@code workflow.store.commit-group-size} to 1. A unit of one statement
 * that runs alone runs without a transaction, as the statement would.
 * <p>
 * Each kind of statement that groups its commits (pipeline step completions, job starts) has an instance of its own:
 * a group commits one unit after another, so mixing kinds would make the quick ones wait for the others.
 * <p>
 * Written here rather than taken from a library: the grouping has to know the store's transactions and which of the
 * database's failures pass ({@link DataAccessFailures}).
 */
public final class GroupCommits {

	/** The longest a group waits for a lock before its units run alone. */
	static final String GROUP_LOCK_TIMEOUT = "100ms";

	private static final String SET_GROUP_LOCK_TIMEOUT = "set local lock_timeout = '" + GROUP_LOCK_TIMEOUT + "'";

	private final TransactionTemplate transactions;

	private final JdbcTemplate jdbc;

	private final int maxGroup;

	private final Object lock = new Object();

	/** The units handed in and not yet taken into a group; guarded by {@link #lock}. */
	private final ArrayDeque<Unit<?>> waiting = new ArrayDeque<>();

	/** Whether a thread is committing a group now; guarded by {@link #lock}. */
	private boolean committing;

	/**
	 * Creates the group commits.
	 * @param transactions transactions of their own, never a caller's
	 * @param jdbc the statements, on the data source of the transactions
	 * @param maxGroup the most units one transaction takes; 1 runs every unit alone
	 */
	public GroupCommits(TransactionTemplate transactions, JdbcTemplate jdbc, int maxGroup) {
		if (maxGroup < 1) {
			throw new IllegalArgumentException("workflow.store.commit-group-size must be 1 or more, not " + maxGroup);
		}
		this.transactions = transactions;
		this.jdbc = jdbc;
		this.maxGroup = maxGroup;
	}

	/**
	 * Runs a unit of work in a transaction of its own, perhaps shared with others handed in at the same moment, and
	 * returns once it has committed.
	 * @param <T> the unit's result
	 * @param job the job whose rows the unit changes, which orders the units of a group
	 * @param work the unit: statements only, which change nothing rather than roll back
	 * @return what the unit returned
	 */
	<T> T execute(UUID job, Supplier<T> work) {
		if (!groups()) {
			return this.transactions.execute((status) -> work.get());
		}
		return execute(new Unit<>(job, work, false));
	}

	/**
	 * Runs one statement, perhaps in a transaction shared with other units handed in at the same moment, and
	 * returns once it has committed; alone, it runs without a transaction, being atomic by itself. Called on a
	 * thread that has a transaction, it runs in that transaction.
	 * @param job the job whose rows the statement changes, which orders the units of a group
	 * @param statement the unit: one statement, which changes nothing rather than roll back
	 */
	void executeStatement(UUID job, Runnable statement) {
		if (!groups()) {
			statement.run();
			return;
		}
		execute(new Unit<>(job, () -> {
			statement.run();
			return null;
		}, true));
	}

	/**
	 * Whether a unit of this thread may join a group: grouping is on, and the thread has no transaction and no
	 * resources bound to it.
	 */
	private boolean groups() {
		return this.maxGroup > 1 && !TransactionSynchronizationManager.isActualTransactionActive()
				&& TransactionSynchronizationManager.getResourceMap().isEmpty();
	}

	private <T> T execute(Unit<T> unit) {
		// An interrupt must not fail the connection that a group of other threads' units waits for; it is kept.
		boolean interrupted = Thread.interrupted();
		boolean queued = false;
		try {
			while (true) {
				List<Unit<?>> group;
				synchronized (this.lock) {
					if (!queued) {
						this.waiting.add(unit);
						queued = true;
					}
					while (this.committing && !unit.done) {
						try {
							this.lock.wait();
						}
						catch (InterruptedException ex) {
							// The unit may be in a group already: it cannot be withdrawn, so it is waited for.
							interrupted = true;
						}
					}
					if (unit.done) {
						break;
					}
					group = new ArrayList<>(Math.min(this.waiting.size(), this.maxGroup));
					while (!this.waiting.isEmpty() && group.size() < this.maxGroup) {
						group.add(this.waiting.poll());
					}
					this.committing = true;
				}
				try {
					commit(group);
				}
				finally {
					synchronized (this.lock) {
						for (Unit<?> member : group) {
							member.settle();
						}
						this.committing = false;
						this.lock.notifyAll();
					}
				}
			}
			if (unit.alone) {
				unit.runAlone(this.transactions);
			}
			return unit.result();
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Commits a group's units in one transaction. If one of them fails, the group is rolled back and each unit is
	 * left to run again alone, on its own thread; if the database cannot be reached, every unit fails with it.
	 */
	private void commit(List<Unit<?>> group) {
		if (group.size() == 1) {
			// The unit of this thread: it runs while the group is held, so that the units arriving meanwhile group.
			group.get(0).runAlone(this.transactions);
			return;
		}
		group.sort(Comparator.comparing((Unit<?> unit) -> unit.job));
		try {
			this.transactions.executeWithoutResult((status) -> {
				this.jdbc.execute(SET_GROUP_LOCK_TIMEOUT);
				for (Unit<?> unit : group) {
					unit.run();
				}
			});
		}
		catch (RuntimeException ex) {
			if (DataAccessFailures.isUnreachable(ex)) {
				group.forEach((unit) -> unit.failed(ex));
			}
			else {
				group.forEach((unit) -> unit.alone = true);
			}
		}
		catch (VirtualMachineError ex) {
			group.forEach((unit) -> unit.failed(ex));
			throw ex;
		}
		catch (Error ex) {
			group.forEach((unit) -> unit.alone = true);
		}
	}

	/**
	 * A unit of work handed in, and what became of it.
	 */
	private static final class Unit<T> {

		private final UUID job;

		private final Supplier<T> work;

		/** Whether the unit is one statement, which needs no transaction alone. */
		private final boolean statement;

		/** Whether the unit's group has ended; guarded by the lock. */
		private boolean done;

		/** Whether the unit's thread is to run it alone, its group having been rolled back. */
		private boolean alone;

		/** Whether the unit has a value or a failure. */
		private boolean settled;

		private @Nullable T value;

		private @Nullable Throwable failure;

		Unit(UUID job, Supplier<T> work, boolean statement) {
			this.job = job;
			this.work = work;
			this.statement = statement;
		}

		void run() {
			this.value = this.work.get();
			this.settled = true;
		}

		void runAlone(TransactionTemplate transactions) {
			this.value = null;
			this.failure = null;
			this.alone = false;
			try {
				if (this.statement) {
					run();
				}
				else {
					transactions.executeWithoutResult((status) -> run());
				}
			}
			catch (RuntimeException | Error ex) {
				failed(ex);
			}
		}

		void failed(Throwable ex) {
			this.value = null;
			this.failure = ex;
			this.settled = true;
		}

		/**
		 * Ends the unit's part in its group: a unit the group did not settle (its commit ended in a way it did not
		 * foresee) runs again alone.
		 */
		void settle() {
			if (!this.settled) {
				this.alone = true;
			}
			this.done = true;
		}

		@Nullable T result() {
			if (this.failure instanceof RuntimeException ex) {
				throw ex;
			}
			if (this.failure instanceof Error ex) {
				throw ex;
			}
			return this.value;
		}

	}

}

package dev.workflow.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

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
 * the database, since it may run twice: when a unit fails in a group, the group is rolled back and each of its units
 * runs again alone, so that only the unit that failed fails, with its own exception. A database that cannot be
 * reached, or a transaction that could not begin or end, fails every unit of the group with it instead, as each would
 * have failed alone (and a commit whose outcome is unknown is not followed by more statements). A unit whose commit
 * was lost that way may have committed: a completion is fenced by its claim, and changes nothing if run again.
 * <p>
 * Units run on the thread that commits the group, in the order of their job (so that two groups lock the rows of
 * their jobs in the same order, and never deadlock on them), in a transaction of their own. A thread that already has
 * a transaction runs its unit alone: it may hold locks a group would wait for. A unit of one statement that finds no
 * group to join runs without a transaction, as the statement would alone.
 * <p>
 * Each kind of statement that groups its commits (step completions, job starts) has an instance of its own: a group
 * commits one unit after another, so mixing kinds would make the quick ones wait for the others.
 * <p>
 * Written here rather than taken from a library: the grouping has to know the store's transactions and which of the
 * database's failures pass ({@link DataAccessFailures}).
 */
public final class GroupCommits {

	private final TransactionTemplate transactions;

	private final int maxGroup;

	private final Object lock = new Object();

	/** The units handed in and not yet taken into a group; guarded by {@link #lock}. */
	private final ArrayDeque<Unit<?>> waiting = new ArrayDeque<>();

	/** Whether a thread is committing a group now; guarded by {@link #lock}. */
	private boolean committing;

	/**
	 * Creates the group commits.
	 * @param transactions transactions of their own, never a caller's
	 * @param maxGroup the most units one transaction takes; 1 runs every unit alone
	 */
	public GroupCommits(TransactionTemplate transactions, int maxGroup) {
		if (maxGroup < 1) {
			throw new IllegalArgumentException("workflow.store.commit-group-size must be 1 or more, not " + maxGroup);
		}
		this.transactions = transactions;
		this.maxGroup = maxGroup;
	}

	/**
	 * Runs a unit of work in a transaction, perhaps shared with others handed in at the same moment, and returns
	 * once it has committed.
	 * @param <T> the unit's result
	 * @param job the job whose rows the unit changes, which orders the units of a group
	 * @param work the unit: statements only, which change nothing rather than roll back
	 * @return what the unit returned
	 */
	<T> T execute(UUID job, Supplier<T> work) {
		if (this.maxGroup == 1 || TransactionSynchronizationManager.isActualTransactionActive()) {
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
		if (this.maxGroup == 1 || TransactionSynchronizationManager.isActualTransactionActive()) {
			statement.run();
			return;
		}
		execute(new Unit<>(job, () -> {
			statement.run();
			return null;
		}, true));
	}

	private <T> T execute(Unit<T> unit) {
		boolean interrupted = false;
		try {
			while (true) {
				List<Unit<?>> group;
				synchronized (this.lock) {
					if (!unit.queued) {
						this.waiting.add(unit);
						unit.queued = true;
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
						return unit.result();
					}
					this.committing = true;
					group = new ArrayList<>(Math.min(this.waiting.size(), this.maxGroup));
					while (!this.waiting.isEmpty() && group.size() < this.maxGroup) {
						group.add(this.waiting.poll());
					}
				}
				try {
					commit(group);
				}
				finally {
					synchronized (this.lock) {
						for (Unit<?> member : group) {
							member.done = true;
						}
						this.committing = false;
						this.lock.notifyAll();
					}
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Commits a group's units in one transaction, or, if one of them fails, each alone; every unit then has its
	 * result or its failure.
	 */
	private void commit(List<Unit<?>> group) {
		if (group.size() == 1) {
			group.get(0).runAlone(this.transactions);
			return;
		}
		group.sort(Comparator.comparing((Unit<?> unit) -> unit.job));
		try {
			this.transactions.executeWithoutResult((status) -> {
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
				group.forEach((unit) -> unit.runAlone(this.transactions));
			}
		}
		catch (Error ex) {
			group.forEach((unit) -> unit.failed(ex));
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

		/** Whether the unit is in {@link #waiting} or was taken from it; guarded by the lock. */
		private boolean queued;

		/** Whether the unit's group has committed or rolled back; guarded by the lock. */
		private boolean done;

		private @Nullable T value;

		private @Nullable Throwable failure;

		Unit(UUID job, Supplier<T> work, boolean statement) {
			this.job = job;
			this.work = work;
			this.statement = statement;
		}

		void run() {
			this.value = this.work.get();
		}

		void runAlone(TransactionTemplate transactions) {
			this.value = null;
			this.failure = null;
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
		}

		T result() {
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

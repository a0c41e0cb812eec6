package dev.workflow.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

import dev.workflow.api.StepStatus;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.store.StepExecutions;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The completed, unchangeable start of each recent orchestrated job's history, decoded, so that a replay on this
 * worker reads only the entries that follow it.
 */
final class HistoryCache {

	/** History rows read from the database for replays, for measurement. */
	static final AtomicLong historyRowsRead = new AtomicLong();

	private final StepExecutions steps;

	private final EngineSettings settings;

	private final Map<UUID, List<StepExecutionEntity>> historyCache;

	HistoryCache(StepExecutions steps, EngineSettings settings) {
		this.steps = steps;
		this.settings = settings;
		int cacheSize = settings.historyCacheJobs();
		this.historyCache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<UUID, List<StepExecutionEntity>> eldest) {
				return size() > cacheSize;
			}
		});
	}

	/**
	 * Returns the latest attempt of each entry of a job's history, in sequence.
	 * @param jobId the job
	 * @return the entries
	 */
	List<StepExecutionEntity> latestAttempts(UUID jobId) {
		return latestAttempts(jobId, this.steps::history);
	}

	/**
	 * Returns the latest attempt of each entry of a job's history, in sequence, reading what the cache lacks with
	 * the given query.
	 * @param jobId the job
	 * @param read reads the entries of a job from a sequence on
	 * @return the entries
	 */
	List<StepExecutionEntity> latestAttempts(UUID jobId, BiFunction<UUID, Integer, List<StepExecutionEntity>> read) {
		List<StepExecutionEntity> cached = (this.settings.historyCacheJobs() > 0) ? this.historyCache.get(jobId) : null;
		List<StepExecutionEntity> latest = (cached != null) ? new ArrayList<>(cached) : new ArrayList<>();
		List<StepExecutionEntity> rows = read.apply(jobId, latest.size());
		historyRowsRead.addAndGet(rows.size());
		for (StepExecutionEntity entry : rows) {
			Replay.keepLatest(latest, entry);
		}
		cacheCompletedPrefix(jobId, latest);
		return latest;
	}

	/**
	 * Keeps the completed start of a job's history once this transaction has committed: completed entries never
	 * change, so the next replay on this worker reads only what follows them. The start is taken as committed, so it
	 * includes the entries this transaction completed.
	 */
	private void cacheCompletedPrefix(UUID jobId, List<StepExecutionEntity> history) {
		if (this.settings.historyCacheJobs() <= 0) {
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				int prefix = 0;
				while (prefix < history.size() && history.get(prefix).getStatus() == StepStatus.COMPLETED) {
					prefix++;
				}
				HistoryCache.this.historyCache.put(jobId, List.copyOf(history.subList(0, prefix)));
			}
		});
	}

	/**
	 * Forgets the history of a job that has ended.
	 * @param jobId the job
	 */
	void forget(UUID jobId) {
		this.historyCache.remove(jobId);
	}

	/**
	 * Forgets the history of a job once the current transaction, which ends it, has committed, and after the cache
	 * update this transaction may have registered before.
	 * @param jobId the job
	 */
	void forgetAfterCommit(UUID jobId) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				HistoryCache.this.historyCache.remove(jobId);
			}
		});
	}

}

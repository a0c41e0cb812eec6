package dev.workflow.api;

import java.util.List;

/**
 * What a bulk action did to the jobs a query matched.
 *
 * @param action {@code retry}, {@code cancel} or {@code delete}
 * @param matched how many jobs the query matched when the action began
 * @param done how many the action retried, cancelled or deleted
 * @param skipped how many it left as they were: not FAILED (retry), already ended (cancel), not ended (delete), or
 * refused for a reason of their own
 * @param reasons why, for the first skipped jobs (at most {@value #MAX_REASONS})
 */
public record BulkResult(String action, long matched, long done, long skipped, List<String> reasons) {

	/** The most reasons a result lists. */
	public static final int MAX_REASONS = 20;

}

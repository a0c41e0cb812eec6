package dev.workflow.sample.orders;

/**
 * What every step of an order needs to know: small, no secrets.
 *
 * @param workspaceId the workspace
 * @param userId the user
 * @param orderId the order
 */
public record OrderContext(String workspaceId, String userId, String orderId) {

}

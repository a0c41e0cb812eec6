package dev.workflow.test.workflows;

/**
 * PyWorkflow's order context.
 *
 * @param workspaceId the workspace
 * @param userId the user
 * @param orderId the order
 */
public record OrderContext(String workspaceId, String userId, String orderId) {

}

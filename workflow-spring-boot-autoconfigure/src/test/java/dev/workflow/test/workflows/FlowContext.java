package dev.workflow.test.workflows;

/**
 * The step context of {@link FlowWorkflow}.
 *
 * @param label a label the steps read
 */
public record FlowContext(String label) {

}

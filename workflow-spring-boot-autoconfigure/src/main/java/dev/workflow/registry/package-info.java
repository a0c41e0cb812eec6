/**
 * Discovery of {@code @Workflow} beans and their {@code @Step} methods at start-up, and validation of their
 * definitions with errors that name the class, method and parameter at fault.
 */
@NullMarked
package dev.workflow.registry;

import org.jspecify.annotations.NullMarked;

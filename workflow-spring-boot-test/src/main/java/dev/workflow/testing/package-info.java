/**
 * Test support for applications with workflows: the replay check, which runs stored job histories against the code
 * about to ship and reports where it no longer matches them.
 */
@NullMarked
package dev.workflow.testing;

import org.jspecify.annotations.NullMarked;

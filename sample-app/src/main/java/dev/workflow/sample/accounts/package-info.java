/**
 * Workflows that wait long: onboarding (a follow-up three days after the welcome) and card charges (an hour between
 * attempts while the payment gateway is down). Their tests move time forward instead of waiting.
 */
@NullMarked
package dev.workflow.sample.accounts;

import org.jspecify.annotations.NullMarked;

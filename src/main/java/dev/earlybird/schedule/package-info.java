/**
 * The loops: one poller per target on its own virtual thread (source -> diff -> history -> metrics), with
 * backoff, deadlines and never more than one poll in flight per target; RDS discovery, which adds and removes
 * pollers as instances come and go; and store maintenance. Depends on
 * everything below it; nothing depends on it but the composition root.
 */
package dev.earlybird.schedule;

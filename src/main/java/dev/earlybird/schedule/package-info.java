/**
 * The loops: one poller per target on its own virtual thread (source -> diff -> history -> metrics), with
 * backoff, deadlines and never more than one poll in flight per target; and store maintenance. Depends on
 * everything below it; nothing depends on it but the composition root.
 */
package dev.earlybird.schedule;

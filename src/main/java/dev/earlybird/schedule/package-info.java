/**
 * The loops: one poller per target on its own virtual thread (source -> diff -> history -> metrics), with
 * backoff, deadlines and never more than one poll in flight per target; RDS discovery, which adds and removes
 * pollers as instances come and go; the analysis; store maintenance; Performance Insights and CloudWatch; and the
 * log of the store's health (one line when it starts failing, one when it writes again). Each loop is a
 * {@link dev.earlybird.schedule.Loop} (start, stop with a deadline); {@link dev.earlybird.schedule.Loops} starts
 * them in order and stops them all at once with one deadline, naming any that did not stop in time. Also when each
 * tenant's morning review is due ({@link dev.earlybird.schedule.ReviewCalendar}, pure) in one timer queue for all
 * tenants ({@link dev.earlybird.schedule.ReviewQueue}, no threads of its own; no loop runs reviews yet). Depends on
 * everything below it; nothing depends on it but the composition root.
 */
package dev.earlybird.schedule;

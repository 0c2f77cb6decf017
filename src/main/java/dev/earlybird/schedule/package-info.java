/**
 * The loops: one poller per target on its own virtual thread (source -> diff -> history -> metrics), with
 * backoff, deadlines and never more than one poll in flight per target; RDS discovery, which adds and removes
 * pollers as instances come and go; the analysis; store maintenance; Performance Insights and CloudWatch; and the
 * log of the store's health (one line when it starts failing, one when it writes again). Each loop is a
 * {@link dev.earlybird.schedule.Loop} (start, stop with a deadline); {@link dev.earlybird.schedule.Loops} starts
 * them in order and stops them all at once with one deadline, naming any that did not stop in time. The morning
 * reviews: when each tenant's is due ({@link dev.earlybird.schedule.ReviewCalendar}, pure), one timer queue for all
 * tenants ({@link dev.earlybird.schedule.ReviewQueue}), the one loop that runs them
 * ({@link dev.earlybird.schedule.ReviewLoop}) and what a review holds ({@link dev.earlybird.schedule.MorningReview});
 * the loop that delivers the alert outbox ({@link dev.earlybird.schedule.DispatchLoop}); and the tuning advisor's
 * loop ({@link dev.earlybird.schedule.AdvisorLoop}), whose passes ({@link dev.earlybird.schedule.AdvisorPass}) plan
 * statements, read catalogs and settings in the monitored databases and leave their judgements for the analysis.
 * Replicas sharing a PostgreSQL store claim their shards ({@link dev.earlybird.schedule.ShardLoop}); a poller stands by
 * while another replica holds its target's shard, and the analysis, advisor, reviews and alert delivery run on the
 * replica holding shard 0.
 * Depends on everything
 * below it; nothing depends on it but the composition root.
 */
package dev.earlybird.schedule;

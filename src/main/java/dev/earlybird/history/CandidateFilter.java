package dev.earlybird.history;

/**
 * Which statements of a window-versus-baseline read come back, so that a fleet of a million statement
 * series returns hundreds of rows, not a million: the top of each target and each database by CPU, those
 * whose per-call mean rose by a ratio with an impact, and those with an open finding.
 *
 * @param top rows ranked at most this by CPU within their target, or within their database, come back
 * @param minCalls calls needed on both sides before the per-call means are compared
 * @param minRatio window mean over baseline mean
 * @param minExtraMs (window mean - baseline mean) x window calls, in milliseconds over the window
 */
public record CandidateFilter(int top, long minCalls, double minRatio, double minExtraMs) {}

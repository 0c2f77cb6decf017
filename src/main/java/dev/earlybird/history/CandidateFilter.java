package dev.earlybird.history;

/**
 * Which statements of a window-versus-baseline read come back, so that the agent never holds every series of
 * the fleet: the top of each target and each database by CPU, those whose per-call mean rose by a ratio with
 * an impact, and those with an open finding. The per-database top dominates on large fleets (about top x
 * databases rows: 250,000 for 10,000 databases in the analysis benchmark); it is there so tenants can be
 * ranked without reading all their statements.
 *
 * @param top rows ranked at most this by CPU within their target, or within their database, come back
 * @param minCalls calls needed on both sides before the per-call means are compared
 * @param minRatio window mean over baseline mean
 * @param minExtraMs (window mean - baseline mean) x window calls, in milliseconds over the window
 */
public record CandidateFilter(int top, long minCalls, double minRatio, double minExtraMs) {}

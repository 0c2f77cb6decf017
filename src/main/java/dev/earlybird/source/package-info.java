/**
 * The diff (snapshots -> intervals, pure) and the sources. Depends on {@code model} and {@code config} only.
 *
 * <p>{@link dev.earlybird.source.StatementDiff} turns two consecutive {@link dev.earlybird.model.Snapshot}s of
 * one target into {@link dev.earlybird.model.StatementInterval}s: no I/O, no clock, no state. Before it, {@link
 * dev.earlybird.source.Continuity} decides whether two snapshots may be diffed at all (the same server, time moving
 * forward), and {@link dev.earlybird.source.HiddenDiff} counts what other roles' hidden entries did. Both are pure
 * too. The readers of pg_stat_statements per PostgreSQL version live in the sub-package {@code postgres}.
 */
package dev.earlybird.source;

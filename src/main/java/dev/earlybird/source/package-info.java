/**
 * The diff (snapshots -> intervals, pure) and the sources. Depends on {@code model} and {@code config} only.
 *
 * <p>{@link dev.earlybird.source.StatementDiff} turns two consecutive {@link dev.earlybird.model.Snapshot}s of
 * one target into {@link dev.earlybird.model.StatementInterval}s: no I/O, no clock, no state. The readers of
 * pg_stat_statements per PostgreSQL version live in the sub-package {@code postgres}.
 */
package dev.earlybird.source;

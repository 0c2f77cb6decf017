package dev.earlybird.web;

import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.analysis.StatementChange;
import dev.earlybird.history.PinnedBaseline;
import java.time.Instant;
import java.util.List;

/**
 * The JSON documents of {@code /api/v1/baselines}: camelCase, ISO-8601 UTC instants, {@code queryId} a
 * decimal string, milliseconds to three decimals. The command line prints and reads the same records.
 */
public final class BaselineJson {
  private BaselineJson() {}

  /** @param target null when the baseline covers every target */
  public record Baseline(String name, String target, Instant from, Instant to, Instant created, long statements) {
    public static Baseline of(PinnedBaseline b) {
      return new Baseline(b.name(), b.target().orElse(null), b.from(), b.to(), b.created(), b.statements());
    }
  }

  public record Baselines(List<Baseline> baselines) {}

  /** The body of {@code POST /api/v1/baselines}; {@code from} and {@code to} are ISO-8601 instants. */
  public record Pin(String name, String from, String to, String target) {}

  /**
   * @param status {@code both}, {@code new} (only after) or {@code gone} (only in the baseline)
   * @param pValue Welch's one-sided p of per-call time in the direction it moved; null unless {@code both}
   */
  public record Change(
      String target,
      String database,
      String tenant,
      String queryId,
      String family,
      String query,
      String status,
      long beforeCalls,
      long afterCalls,
      Double beforeMeanMs,
      Double afterMeanMs,
      Double ratio,
      double beforeCpuMs,
      double afterCpuMs,
      String cpuSource,
      Double extraMs,
      Double pValue) {
    /** Below this a change of per-call time is called significant on the page. */
    public static final double SIGNIFICANT = 0.01;

    public static Change of(StatementChange c) {
      return new Change(
          c.target(), c.database(), c.tenant(), Long.toString(c.queryId()), c.family(), c.query(),
          c.status().label(), c.beforeCalls(), c.afterCalls(), round(c.beforeMeanMs()), round(c.afterMeanMs()),
          round(c.ratio()), Api.round(c.beforeCpuMs()), Api.round(c.afterCpuMs()), c.cpuSource().label(),
          round(c.extraMs()), c.pValue() == null ? null : Math.round(c.pValue() * 1e6) / 1e6);
    }
  }

  /** A baseline against the window {@code (from, to]}, worst changes first. */
  public record Comparison(Baseline baseline, Instant from, Instant to, List<Change> changes) {
    public static Comparison of(BaselineComparison.Result r) {
      return new Comparison(
          Baseline.of(r.baseline()), r.from(), r.to(), r.changes().stream().map(Change::of).toList());
    }
  }

  private static Double round(Double v) {
    return v == null ? null : Api.round(v);
  }
}

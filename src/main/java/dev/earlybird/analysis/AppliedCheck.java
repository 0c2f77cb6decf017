package dev.earlybird.analysis;

import dev.earlybird.history.Usage;
import dev.earlybird.model.Evidence;
import java.time.Instant;

/**
 * Did the advice work: a statement's calls before the advised change was seen absent and after it was seen in
 * place, compared with the test regressions use (Welch, one-sided, here that the per-call mean fell). CPU per call
 * comes from the layer both sides have, labelled as the hot list labels it. Pure.
 */
public final class AppliedCheck {
  private AppliedCheck() {}

  /**
   * @param before the statement's usage up to {@code absentAt}
   * @param after its usage since {@code seenAt}
   * @param minCalls calls after the change before a verdict (as regressions need on each side)
   * @param maxPValue the significance a fall of the mean must reach to count as improved
   * @return pending until {@code after} has {@code minCalls}; then improved or not_improved (a before side of
   *     fewer than 2 calls cannot show a significant fall: not_improved)
   */
  public static Evidence.Applied judge(Instant absentAt, Instant seenAt, Usage before, Usage after, long minCalls,
      double maxPValue) {
    CpuSource source = CpuChoice.common(before, after);
    Evidence.Side b = side(before, source);
    Evidence.Side a = side(after, source);
    if (after.calls() < minCalls) {
      return new Evidence.Applied(absentAt, seenAt, Evidence.Applied.PENDING, b, a, Double.NaN);
    }
    // "Before is greater than after" is "after greater than before" with the sides swapped.
    Welch.Result test = Welch.greater(
        new Welch.Sample(after.calls(), after.meanExecMs(), after.execVarianceMs2()),
        new Welch.Sample(before.calls(), before.meanExecMs(), before.execVarianceMs2()));
    boolean improved = after.meanExecMs() < before.meanExecMs() && test.pValue() <= maxPValue;
    return new Evidence.Applied(absentAt, seenAt,
        improved ? Evidence.Applied.IMPROVED : Evidence.Applied.NOT_IMPROVED, b, a, test.pValue());
  }

  private static Evidence.Side side(Usage u, CpuSource source) {
    double cpuPerCall = u.calls() > 0 ? CpuChoice.cpuMs(u, source) / u.calls() : 0;
    return new Evidence.Side(u.calls(), u.meanExecMs(), cpuPerCall, source.label());
  }

  /** No calls: the side of a comparison where the statement did not run. */
  public static final Usage NONE = Usage.NONE;

  /** The finding's summary once its advice is applied: what happened to the statement's time per call. */
  public static String summary(Evidence.Applied a) {
    String means = String.format(java.util.Locale.ROOT, "%.3f ms per call before, %.3f ms after",
        a.before().meanMs(), a.after().meanMs());
    return switch (a.verdict()) {
      case Evidence.Applied.IMPROVED -> "applied, and it worked: " + means;
      case Evidence.Applied.NOT_IMPROVED -> "applied, but the statement did not get faster: " + means;
      default -> String.format(java.util.Locale.ROOT, "applied; comparing once it has run enough calls (%,d so far)",
          a.after().calls());
    };
  }
}

package dev.earlybird.analysis;

import dev.earlybird.history.Usage;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Period;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The arithmetic of the morning CPU forecast. Pure.
 *
 * <ul>
 *   <li>Expected calls of a statement in the forecast hours: the median, over the past weeks that have data for
 *       those hours, of its calls in the same local hours of the same weekday. A week the agent did not poll is left
 *       out, not counted as zero calls; a partly polled week is scaled up by the share of its hours that has data.
 *       The median keeps one odd week (a holiday, a one-off batch) from moving the forecast.
 *   <li>CPU per call: its usual cost in the forecast hours times how its cost in the latest window compares with
 *       its usual cost at that hour ({@link #perCall}): per-call cost follows the clock (busy hours cost more per
 *       call), so the latest window, at night, would underrate a morning; its ratio to the same night hours of past
 *       weeks carries a regression found overnight into the morning.
 *   <li>Ratio: expected CPU seconds over the target's capacity, vCPUs x the span's seconds.
 * </ul>
 */
public final class Forecast {
  /** Contributors kept in the evidence. */
  public static final int TOP = 10;

  private Forecast() {}

  /**
   * @param calls per past week, the statement's calls in the forecast hours (0 when it did not run)
   * @param coverage per past week, the share 0..1 of those hours with any data for the target
   * @return empty when no week has data
   */
  public static OptionalDouble expectedCalls(long[] calls, double[] coverage) {
    if (calls.length != coverage.length) {
      throw new IllegalArgumentException("one coverage per week expected");
    }
    double[] scaled = new double[calls.length];
    int n = 0;
    for (int i = 0; i < calls.length; i++) {
      if (coverage[i] > 0) {
        scaled[n++] = calls[i] / coverage[i];
      }
    }
    return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(median(Arrays.copyOf(scaled, n)));
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  /** A projected CPU cost per call and the layer it comes from. */
  public record PerCall(double cpuMs, CpuSource source) {}

  /**
   * The CPU per call a statement is expected to cost in the forecast hours, all sides in the same CPU layer (the
   * least direct any side has, as {@link CpuChoice} compares two sides).
   *
   * <ol>
   *   <li>With enough calls now ({@code minCalls}) and at this hour in past weeks: its cost in the forecast hours of
   *       past weeks x (cost now / usual cost at this hour).
   *   <li>With enough calls now only: its cost now.
   *   <li>Otherwise its cost in the forecast hours of past weeks, raised by an open regression's ratio (it did not
   *       run enough lately to measure, but the regression stands).
   * </ol>
   *
   * @param morning sums over the forecast hours of the past weeks with data; null when it never ran then
   * @param latest sums over the latest window; null when it did not run
   * @param usual sums over the latest window's hours in the past weeks; null when it did not run then
   * @return empty when nothing tells its cost
   */
  public static Optional<PerCall> perCall(
      Usage morning, Usage latest, Usage usual, int minCalls, Optional<Evidence.Regression> regression) {
    CpuSource source = CpuSource.values()[0];
    for (Usage u : new Usage[] {morning, latest, usual}) {
      if (u != null && u.calls() > 0) {
        CpuSource s = CpuAttribution.of(u).source();
        source = s.compareTo(source) > 0 ? s : source;
      }
    }
    OptionalDouble morningMs = perCallMs(morning, 1, source);
    OptionalDouble latestMs = perCallMs(latest, minCalls, source);
    OptionalDouble usualMs = perCallMs(usual, minCalls, source);
    if (latestMs.isPresent() && usualMs.isPresent() && morningMs.isPresent() && usualMs.getAsDouble() > 0) {
      return Optional.of(new PerCall(morningMs.getAsDouble() * latestMs.getAsDouble() / usualMs.getAsDouble(), source));
    }
    if (latestMs.isPresent()) {
      return Optional.of(new PerCall(latestMs.getAsDouble(), source));
    }
    if (morningMs.isPresent()) {
      double raised = regression.filter(r -> r.beforeMeanMs() > 0).map(r -> r.afterMeanMs() / r.beforeMeanMs()).orElse(1.0);
      return Optional.of(new PerCall(morningMs.getAsDouble() * Math.max(1, raised), source));
    }
    return Optional.empty();
  }

  private static OptionalDouble perCallMs(Usage u, int minCalls, CpuSource source) {
    if (u == null || u.calls() < Math.max(1, minCalls)) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(CpuChoice.cpuMs(u, source) / u.calls());
  }

  /**
   * The share of a regressed statement's current per-call cost that its regression added: 1 - before / after of
   * the regression's per-call means (execution time; its CPU is taken to have risen in the same proportion).
   */
  public static double regressionShare(Evidence.Regression r) {
    return r.afterMeanMs() > 0 ? Math.max(0, 1 - r.beforeMeanMs() / r.afterMeanMs()) : 0;
  }

  /** One statement's part before it is ranked; {@code regressionShare} is 0 without an open regression. */
  public record Part(Evidence.Contributor contributor, double regressionShare) {}

  public static Part part(
      long dbId, String database, String tenant, long queryId, double expectedCalls, PerCall perCall,
      Optional<Evidence.Regression> regression) {
    double cpuSeconds = expectedCalls * perCall.cpuMs() / 1000;
    return new Part(new Evidence.Contributor(dbId, database, tenant, Long.toString(queryId), expectedCalls,
        perCall.cpuMs(), cpuSeconds, perCall.source().label(), regression.isPresent()),
        regression.map(Forecast::regressionShare).orElse(0.0));
  }

  /**
   * Sums the parts over the span: {@code cpuRatio} = CPU seconds / (vCPUs x span seconds), and the part of it the
   * open regressions add.
   */
  public static Evidence.Forecast of(Period span, double vcpus, double maxCpuRatio, List<Part> parts, int weeks) {
    if (!(vcpus > 0)) {
      throw new IllegalArgumentException("vcpus must be above 0");
    }
    double capacity = vcpus * span.length().toMillis() / 1000.0;
    double cpu = 0;
    double extra = 0;
    List<Evidence.Contributor> all = new ArrayList<>(parts.size());
    for (Part p : parts) {
      cpu += p.contributor().cpuSeconds();
      extra += p.contributor().cpuSeconds() * p.regressionShare();
      all.add(p.contributor());
    }
    all.sort(Comparator.comparingDouble(Evidence.Contributor::cpuSeconds).reversed()
        .thenComparing(Evidence.Contributor::dbId).thenComparing(Evidence.Contributor::queryId));
    return new Evidence.Forecast(span.from(), span.to(), vcpus, cpu, cpu / capacity, maxCpuRatio, extra / capacity,
        all.subList(0, Math.min(TOP, all.size())), weeks);
  }
}

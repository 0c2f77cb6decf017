package dev.earlybird.bench;

import static dev.earlybird.bench.BenchOutput.line;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Watches a running agent from outside for a while: its CPU, resident set and heap ({@link ProcessWatch}), and from
 * its {@code /metrics} its polls (duration histogram, skipped ticks, errors), its analysis evaluations and its store
 * size, as differences between a scrape at the start and one at the end.
 */
final class AgentMeasure {
  static final String POLL = "earlybird_poll_duration_seconds";
  static final String SKIPPED = "earlybird_poll_skipped_total";
  static final String POLL_ERRORS = "earlybird_poll_errors_total";
  static final String ANALYSIS = "earlybird_analysis_duration_seconds";
  static final String STORE_SIZE = "earlybird_store_size_bytes";
  static final Duration SAMPLE_EVERY = Duration.ofSeconds(15);
  static final Duration HEAP_EVERY = Duration.ofSeconds(60);

  /** What was measured; store sizes from the agent's metric and from outside (file or database size). */
  record Result(ProcessWatch.Usage usage, int targets, Duration interval, long polls, double pollSeconds,
      TreeMap<Double, Double> pollBuckets, double pollMaxSeconds, long skipped, long skippedSinceStart, long pollErrors,
      long evaluations, double evaluationSeconds, double evaluationMaxSeconds, long storeMetric0, long storeMetric1,
      long storeOutside0, long storeOutside1) {

    double expectedPolls() {
      return targets * usage.seconds() / interval.toSeconds();
    }

    double pollMeanMs() {
      return polls == 0 ? Double.NaN : 1000 * pollSeconds / polls;
    }

    /** The upper bound (ms) of the bucket that holds percentile {@code p} of the measured polls. */
    double pollPercentileBoundMs(double p) {
      double total = pollBuckets.isEmpty() ? 0 : pollBuckets.lastEntry().getValue();
      for (var e : pollBuckets.entrySet()) {
        if (e.getValue() >= total * p / 100.0) {
          return e.getKey() * 1000;
        }
      }
      return Double.NaN;
    }

    double storeGrowthPerDayBytes(boolean outside) {
      long a = outside ? storeOutside0 : storeMetric0;
      long b = outside ? storeOutside1 : storeMetric1;
      return (b - a) * 86400.0 / usage.seconds();
    }

    void lines(StringBuilder b) {
      ProcessWatch.Usage u = usage;
      line(b, "  measured: %.1f min; %d targets polled every %ds: %d polls (%.0f expected)", u.seconds() / 60, targets,
          interval.toSeconds(), polls, expectedPolls());
      line(b, "  poll duration: mean %.0f ms; p50 <= %s, p95 <= %s, p99 <= %s (histogram bucket bounds); max seen %.0f ms",
          pollMeanMs(), ms(pollPercentileBoundMs(50)), ms(pollPercentileBoundMs(95)), ms(pollPercentileBoundMs(99)),
          pollMaxSeconds * 1000);
      line(b, "  skipped ticks (poll overran its interval): %d while measured, %d since the agent started", skipped,
          skippedSinceStart);
      line(b, "  poll errors while measured: %d", pollErrors);
      line(b, "  agent CPU: %.1f s over %.1f s = %.2f%% of one core", u.cpuSeconds(), u.seconds(), u.cpuPercent());
      line(b, "  heap: max after a GC %s, max before a GC %s (committed up to %s, %d GCs); jcmd GC.heap_info used: "
          + "median %.0f MB, max %.0f MB (%d samples)", mb(u.gcHeapAfterMaxBytes()), mb(u.gcHeapBeforeMaxBytes()),
          mb(u.gcHeapCommittedMaxBytes()), u.gcs(), u.heapUsedMb().median(), u.heapUsedMb().max(),
          u.heapUsedMb().size());
      line(b, "  resident set: max sampled %s, at end %s, peak while measured (VmHWM) %s, peak before (start-up and "
          + "first polls) %s", mb(u.rssMaxBytes()), mb(u.rssEndBytes()), mb(u.hwmBytes()), mb(u.hwmBeforeBytes()));
      line(b, "  analysis evaluations while measured: %d, %s each on average, max %s", evaluations,
          evaluations == 0 ? "-" : "%.0f ms".formatted(1000 * evaluationSeconds / evaluations),
          evaluations == 0 || Double.isNaN(evaluationMaxSeconds) ? "-" : "%.0f ms".formatted(evaluationMaxSeconds * 1000));
      line(b, "  store: %s -> %s (earlybird_store_size_bytes), %s -> %s (measured outside); growth %s/day (metric), "
          + "%s/day (outside)", mb(storeMetric0), mb(storeMetric1), mb(storeOutside0), mb(storeOutside1),
          signedMb(storeGrowthPerDayBytes(false)), signedMb(storeGrowthPerDayBytes(true)));
      line(b, "    (extrapolated from the measured minutes; raw intervals are kept 48 h by default, so this is the growth"
          + " of the first two days; the hourly and daily rollups grow far slower after that; a DuckDB file grows in"
          + " blocks and reuses freed ones, so a few minutes may show no growth; PostgreSQL: pg_database_size, the"
          + " agent's metric is read by its maintenance once a minute)");
    }
  }

  static String mb(long bytes) {
    return bytes < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1048576.0);
  }

  static String signedMb(double bytes) {
    return String.format(java.util.Locale.ROOT, "%+.1f MB", bytes / 1048576.0);
  }

  static String ms(double v) {
    return Double.isInfinite(v) ? "above the largest bucket" : String.format(java.util.Locale.ROOT, "%.0f ms", v);
  }

  private AgentMeasure() {}

  /** Waits until every one of {@code targets} targets has been polled {@code polls} more times from now. */
  static void awaitPolls(AgentJvm agent, int targets, int polls, Duration within, String what) throws Exception {
    Instant from = Instant.now();
    long deadline = System.nanoTime() + within.toNanos();
    Map<String, Integer> seen = new TreeMap<>();
    Map<String, Instant> last = new TreeMap<>();
    while (true) {
      if (!agent.alive()) {
        throw new IllegalStateException("agent exited while " + what + ":\n" + agent.log());
      }
      for (JsonNode t : agent.json("/api/v1/targets")) {
        JsonNode at = t.get("lastPollAt");
        if (at != null && !at.isNull()) {
          Instant i = Instant.parse(at.asText());
          String name = t.get("name").asText();
          if (i.isAfter(from) && !i.equals(last.get(name))) {
            last.put(name, i);
            seen.merge(name, 1, Integer::sum);
          }
        }
      }
      long done = seen.values().stream().filter(n -> n >= polls).count();
      if (done >= targets) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": only " + done + " of " + targets + " targets polled " + polls
            + " times within " + within);
      }
      Thread.sleep(1000);
    }
  }

  /** Watches {@code agent} for {@code length}; {@code storeOutside} reads the store's size from outside. */
  static Result measure(AgentJvm agent, int targets, Duration interval, Duration length, LongSupplier storeOutside,
      String what) throws Exception {
    ProcessWatch watch = new ProcessWatch(agent.pid(), agent.gcLog());
    PromText m0 = agent.metrics();
    long outside0 = storeOutside.getAsLong();
    watch.start();
    watch.sample(true);
    long start = System.nanoTime();
    long end = start + length.toNanos();
    long nextHeap = start + HEAP_EVERY.toNanos();
    double pollMax = 0;
    double evalMax = Double.NaN;
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(SAMPLE_EVERY.toMillis(), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      if (!agent.alive()) {
        throw new IllegalStateException("agent exited while " + what + ":\n" + agent.log());
      }
      boolean heap = System.nanoTime() >= nextHeap;
      if (heap) {
        nextHeap += HEAP_EVERY.toNanos();
      }
      watch.sample(heap);
      PromText m = agent.metrics();
      // The max gauge spans the last two minutes or so: skip it while it still covers warm-up polls.
      if (System.nanoTime() - start > Duration.ofMinutes(2).toNanos() || length.toMinutes() < 3) {
        pollMax = Math.max(pollMax, m.max(POLL + "_max"));
      }
      double e = m.max(ANALYSIS + "_max");
      if (!Double.isNaN(e) && (Double.isNaN(evalMax) || e > evalMax)) {
        evalMax = e;
      }
      double elapsedMin = (System.nanoTime() - start) / 6e10;
      System.out.printf("[fleet-bench] %s: %.1f/%.1f min, %.0f polls, %.0f skipped, CPU so far %.1f s%n", what,
          elapsedMin, length.toSeconds() / 60.0, m.sum(POLL + "_count") - m0.sum(POLL + "_count"),
          m.sum(SKIPPED) - m0.sum(SKIPPED), watch.cpuSecondsNow());
    }
    PromText m1 = agent.metrics();
    ProcessWatch.Usage usage = watch.stop();
    long outside1 = storeOutside.getAsLong();
    TreeMap<Double, Double> buckets = new TreeMap<>();
    TreeMap<Double, Double> b0 = m0.buckets(POLL);
    m1.buckets(POLL).forEach((le, n) -> buckets.put(le, n - b0.getOrDefault(le, 0.0)));
    return new Result(usage, targets, interval, Math.round(m1.sum(POLL + "_count") - m0.sum(POLL + "_count")),
        m1.sum(POLL + "_sum") - m0.sum(POLL + "_sum"), buckets, Math.max(pollMax, m1.max(POLL + "_max")),
        Math.round(m1.sum(SKIPPED) - m0.sum(SKIPPED)), Math.round(m1.sum(SKIPPED)),
        Math.round(m1.sum(POLL_ERRORS) - m0.sum(POLL_ERRORS)),
        Math.round(m1.sum(ANALYSIS + "_count") - m0.sum(ANALYSIS + "_count")),
        m1.sum(ANALYSIS + "_sum") - m0.sum(ANALYSIS + "_sum"), evalMax,
        Math.round(m0.sum(STORE_SIZE)), Math.round(m1.sum(STORE_SIZE)), outside0, outside1);
  }

  /** Sum of a file and its write-ahead log ({@code .wal}), for a DuckDB store. */
  static long fileBytes(java.nio.file.Path file) {
    long total = 0;
    for (java.nio.file.Path p : new java.nio.file.Path[] {file, file.resolveSibling(file.getFileName() + ".wal")}) {
      try {
        total += java.nio.file.Files.exists(p) ? java.nio.file.Files.size(p) : 0;
      } catch (IOException e) {
        // gone between the check and the read: counted as empty
      }
    }
    return total;
  }
}

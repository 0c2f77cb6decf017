package dev.earlybird.bench;

import static dev.earlybird.bench.BenchOutput.field;
import static dev.earlybird.bench.BenchOutput.line;
import static dev.earlybird.bench.BenchOutput.num;
import static dev.earlybird.bench.BenchOutput.quote;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@link AnalysisBench}'s result as a human-readable text and a JSON document (same figures). */
record AnalysisReport(
    Instant date,
    AnalysisBenchConfig config,
    AnalysisFleet.Filled filled,
    long hourlyBuckets,
    Map<String, String> duckdb,
    long storeFileBytes,
    long rssBeforeOpenBytes,
    long rssAfterOpenBytes,
    List<Mode> modes,
    Samples windowScanMs,
    Samples lookbackScanMs) {

  /** One timed {@code Analyzer.evaluate}. */
  record Run(double ms, double cpuMs, double loadAverage, int candidates, int changed, Map<String, TimedStore.Tally> calls, MemoryWatch.Peak peak) {}

  /** The runs of one baseline mode, and the findings they left. */
  record Mode(String name, List<Run> runs, Map<String, Long> findings) {
    Samples ms() {
      var s = new Samples(name + " evaluate ms", runs.size());
      runs.forEach(r -> s.add(r.ms()));
      return s;
    }

    Samples cpuMs() {
      var s = new Samples(name + " evaluate, process CPU ms", runs.size());
      runs.forEach(r -> s.add(r.cpuMs()));
      return s;
    }

    Samples load() {
      var s = new Samples(name + " load average", runs.size());
      runs.forEach(r -> s.add(r.loadAverage()));
      return s;
    }

    long max(java.util.function.ToLongFunction<MemoryWatch.Peak> f) {
      return runs.stream().mapToLong(r -> f.applyAsLong(r.peak())).max().orElse(-1);
    }

    /** Mean milliseconds, calls and rows per run, per store method. */
    Map<String, double[]> perCall() {
      Map<String, double[]> out = new TreeMap<>();
      for (Run r : runs) {
        r.calls().forEach((k, t) -> {
          double[] a = out.computeIfAbsent(k, x -> new double[3]);
          a[0] += t.ms / runs.size();
          a[1] += (double) t.calls / runs.size();
          a[2] += (double) t.rows / runs.size();
        });
      }
      return out;
    }

    boolean met() {
      return ms().max() <= AnalysisBench.GOAL.toMillis();
    }
  }

  String text() {
    var b = new StringBuilder();
    line(b, "Earlybird analysis bench, %s", date);
    line(b, "JDK %s, %d cores, max heap %d MB; DuckDB %s, memory_limit %s, threads %s", Runtime.version(),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, duckdb.get("duckdb"),
        duckdb.get("memory_limit"), duckdb.get("threads"));
    line(b, "fleet: %,d series = %d targets x %d databases x %d queryids, %d tenant zones",
        config.series(), config.targets(), config.databasesPerTarget(), config.queryIds(), config.zones());
    line(b, "history: %d hourly buckets (%d days + rest of the first UTC day), density %.3f -> %,d hourly rows;"
        + " %,d daily rows; %,d raw intervals in the window (1..%d per series)", hourlyBuckets, config.days(),
        config.density(), filled.hourlyRows(), filled.dailyRows(), filled.intervalRows(), config.windowIntervals());
    line(b, "injected: %d regressed series (3x per call), %d new series", config.regressions(), config.newStatements());
    line(b, "fill: hourly %.0f s, daily %.0f s, rest %.0f s; store file %.2f GB (DuckDB says %s)", filled.hourlyS(),
        filled.dailyS(), filled.otherS(), storeFileBytes / 1e9, duckdb.get("database_size"));
    line(b, "process RSS: %d MB before opening the store, %d MB after", rssBeforeOpenBytes >> 20, rssAfterOpenBytes >> 20);
    b.append('\n');
    line(b, "%-34s %10s %10s %10s %6s", "", "median", "max", "first", "runs");
    for (Mode m : modes) {
      Samples s = m.ms();
      line(b, "%-34s %10.0f %10.0f %10.0f %6d", s.name(), s.median(), s.max(), m.runs().get(0).ms(), s.size());
      Samples c = m.cpuMs();
      line(b, "%-34s %10.0f %10.0f %10.0f %6d", c.name(), c.median(), c.max(), m.runs().get(0).cpuMs(), c.size());
    }
    line(b, "%-34s %10.1f %10.1f %10s %6d", windowScanMs.name(), windowScanMs.median(), windowScanMs.max(), "",
        windowScanMs.size());
    line(b, "%-34s %10.1f %10.1f %10s %6d", lookbackScanMs.name(), lookbackScanMs.median(), lookbackScanMs.max(), "",
        lookbackScanMs.size());
    b.append('\n');
    for (Mode m : modes) {
      Run first = m.runs().get(0);
      line(b, "%s: %d candidates, %d findings changed in the first run; findings after the runs %s", m.name(),
          first.candidates(), first.changed(), m.findings());
      line(b, "  machine load average (1 min) during the runs: %.1f to %.1f on %d cores", m.load().percentile(0),
          m.load().max(), Runtime.getRuntime().availableProcessors());
      line(b, "  memory, worst run: heap %d MB (sum of pool peaks), DuckDB %d MB (duckdb_memory, sampled), process"
          + " RSS %d MB (VmHWM); GC %d collections, %d ms", m.max(MemoryWatch.Peak::heapPeakBytes) >> 20,
          m.max(MemoryWatch.Peak::duckdbPeakBytes) >> 20, m.max(MemoryWatch.Peak::rssPeakBytes) >> 20,
          m.max(MemoryWatch.Peak::gcCount), m.max(MemoryWatch.Peak::gcMs));
      line(b, "  after each run: process RSS %s MB, heap committed %s MB", after(m, MemoryWatch.Peak::rssAfterBytes),
          after(m, MemoryWatch.Peak::heapCommittedBytes));
      line(b, "  store calls per run (mean): %s", calls(m));
    }
    b.append('\n');
    for (Mode m : modes) {
      Samples s = m.ms();
      line(b, "%-8s ratio evaluate/raw window scan (medians) %.0fx", m.name(), s.median() / windowScanMs.median());
      line(b, "%-8s evaluation <= %d s (one poll interval), slowest run %.1f s: %s", m.name(),
          AnalysisBench.GOAL.toSeconds(), s.max() / 1000, m.met() ? "MET" : "MISS");
    }
    return b.toString();
  }

  private static String after(Mode m, java.util.function.ToLongFunction<MemoryWatch.Peak> f) {
    return String.join(" ", m.runs().stream().map(r -> Long.toString(f.applyAsLong(r.peak()) >> 20)).toList());
  }

  private static String calls(Mode m) {
    var b = new StringBuilder();
    m.perCall().forEach((k, a) -> b.append(String.format(Locale.ROOT, "%s%s %.0f ms x%.0f (%,.0f rows)",
        b.isEmpty() ? "" : "; ", k, a[0], a[1], a[2])));
    return b.toString();
  }

  String json() {
    var b = new StringBuilder("{\n");
    field(b, "date", quote(date.toString()));
    field(b, "jdk", quote(Runtime.version().toString()));
    field(b, "cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    field(b, "maxHeapBytes", Long.toString(Runtime.getRuntime().maxMemory()));
    duckdb.forEach((k, v) -> field(b, "duckdb_" + k, quote(v)));
    field(b, "series", Integer.toString(config.series()));
    field(b, "targets", Integer.toString(config.targets()));
    field(b, "databasesPerTarget", Integer.toString(config.databasesPerTarget()));
    field(b, "queryIds", Integer.toString(config.queryIds()));
    field(b, "zones", Integer.toString(config.zones()));
    field(b, "days", Integer.toString(config.days()));
    field(b, "hourlyBuckets", Long.toString(hourlyBuckets));
    field(b, "density", num(config.density()));
    field(b, "hourlyRows", Long.toString(filled.hourlyRows()));
    field(b, "dailyRows", Long.toString(filled.dailyRows()));
    field(b, "intervalRows", Long.toString(filled.intervalRows()));
    field(b, "fillSeconds", num(filled.hourlyS() + filled.dailyS() + filled.otherS()));
    field(b, "storeFileBytes", Long.toString(storeFileBytes));
    field(b, "windowScanMs", samples(windowScanMs));
    field(b, "lookbackScanMs", samples(lookbackScanMs));
    for (Mode m : modes) {
      Samples s = m.ms();
      var mb = new StringBuilder("{");
      mb.append("\"medianMs\": ").append(num(s.median())).append(", \"maxMs\": ").append(num(s.max()));
      mb.append(", \"runsMs\": [");
      for (int i = 0; i < m.runs().size(); i++) {
        mb.append(i == 0 ? "" : ", ").append(num(m.runs().get(i).ms()));
      }
      mb.append("], \"cpuMedianMs\": ").append(num(m.cpuMs().median()));
      mb.append(", \"loadAverageMax\": ").append(num(m.load().max()));
      mb.append(", \"ratioToWindowScan\": ").append(num(s.median() / windowScanMs.median()));
      mb.append(", \"candidates\": ").append(m.runs().get(0).candidates());
      mb.append(", \"heapPeakBytes\": ").append(m.max(MemoryWatch.Peak::heapPeakBytes));
      mb.append(", \"duckdbPeakBytes\": ").append(m.max(MemoryWatch.Peak::duckdbPeakBytes));
      mb.append(", \"rssPeakBytes\": ").append(m.max(MemoryWatch.Peak::rssPeakBytes));
      mb.append(", \"goalSeconds\": ").append(AnalysisBench.GOAL.toSeconds());
      mb.append(", \"verdict\": ").append(quote(m.met() ? "MET" : "MISS")).append('}');
      field(b, m.name(), mb.toString());
    }
    b.setLength(b.length() - 2);
    return b.append("\n}\n").toString();
  }

  private static String samples(Samples s) {
    return "{\"median\": %s, \"max\": %s}".formatted(num(s.median()), num(s.max()));
  }
}

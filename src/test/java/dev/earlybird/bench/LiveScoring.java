package dev.earlybird.bench;

import dev.earlybird.bench.FindingsWatch.Seen;
import dev.earlybird.bench.LiveDetection.Plan;
import dev.earlybird.bench.PgssTruth.Change;
import dev.earlybird.bench.PgssTruth.Key;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns the live run's findings and truth into a {@link DetectionReport}. A statement counts as really slowed
 * down by an injection when pg_stat_statements shows its per-call mean at least {@value #REAL} times higher
 * after the change than before, in a tenant that got a regression; findings on such statements are true
 * (the injected statement, or collateral), any other regression finding is false.
 */
final class LiveScoring {
  static final double REAL = 1.5;

  private final List<Plan> plans;
  private final LiveDetection.Timeline tl;
  private final FindingsWatch watch;
  private final Duration window;
  private final List<Seen> regressions;
  private final List<Seen> all;
  private final Map<Key, Change> truth;

  LiveScoring(
      List<Plan> plans, LiveDetection.Timeline tl, FindingsWatch watch, Duration window, List<Seen> regressions,
      List<Seen> all) {
    this.plans = plans;
    this.tl = tl;
    this.watch = watch;
    this.window = window;
    this.regressions = regressions;
    this.all = all;
    this.truth = PgssTruth.changes(tl.beforeFrom, tl.beforeTo, tl.afterFrom, tl.afterTo);
  }

  private Plan plan(String database) {
    return plans.stream().filter(p -> p.database().equals(database)).findFirst().orElse(null);
  }

  private String label(Seen s) {
    Change c = truth.get(new Key(s.database(), s.queryId()));
    return c != null ? labelOf(c) : "queryid " + s.queryId();
  }

  private Instant windowStart(Instant t) {
    long w = window.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), w) * w);
  }

  /** The truth of the statement named {@code label} in {@code database}, or null. */
  private Change change(String database, String label) {
    return truth.entrySet().stream()
        .filter(e -> e.getKey().database().equals(database) && label.equals(labelOf(e.getValue())))
        .map(Map.Entry::getValue).findFirst().orElse(null);
  }

  private double ratioOf(String database, String label) {
    Change c = change(database, label);
    return c == null ? Double.NaN : c.perCallRatio();
  }

  private static String labelOf(Change c) {
    return (c.after() != null ? c.after() : c.before()).label();
  }

  DetectionReport report(long outageErrors) {
    var r = new DetectionReport("Live: PostgreSQL, real agent, rolling baseline", window);
    Instant injectedWindow = windowStart(tl.injected);
    Instant restartWindow = windowStart(tl.restartedAt);
    List<Seen> sorted = new ArrayList<>(regressions);
    sorted.sort(Comparator.comparing(Seen::since));
    Map<String, Seen> detections = new HashMap<>();
    Map<String, int[]> occurrences = new HashMap<>();
    Map<String, Long> falsesByTenant = new HashMap<>();
    for (Seen s : sorted) {
      Plan p = plan(s.database());
      String label = label(s);
      Change c = truth.get(new Key(s.database(), s.queryId()));
      double trueRatio = c == null ? Double.NaN : c.perCallRatio();
      boolean afterInjection = !s.since().isBefore(injectedWindow);
      boolean slowed = p != null && p.regression() && afterInjection
          && (label.equals(p.statement()) || trueRatio >= REAL);
      if (slowed) {
        r.truePositives++;
        if (label.equals(p.statement())) {
          detections.putIfAbsent(p.tenant(), s);
          int[] o = occurrences.computeIfAbsent(p.tenant(), t -> new int[2]);
          o[0]++;
          o[1] += s.state().equals("resolved") ? 1 : 0;
        }
        continue;
      }
      String cause;
      if (!afterInjection) {
        cause = "noise";
      } else if (!s.since().isBefore(restartWindow)) {
        cause = "restart";
      } else if (p != null && p.change().startsWith("volume")) {
        cause = "volume";
      } else if (p != null && p.change().startsWith("unrelated new")) {
        cause = "new statement";
      } else {
        cause = "noise";
      }
      String tenant = p == null ? s.database() : p.tenant();
      falsesByTenant.merge(tenant, 1L, Long::sum);
      r.falses.add(new DetectionReport.FalseFinding(tenant, label, cause, s.since(), s.state(), s.ratio(), s.pValue(),
          DetectionReport.fmt("true per-call ratio %.2fx", trueRatio)));
    }
    for (Plan p : plans) {
      if (p.regression()) {
        Seen d = detections.get(p.tenant());
        Instant active = d == null ? null : watch.firstActive(d.id());
        r.injections.add(new DetectionReport.Injection(p.tenant(), p.change(), p.statement(), tl.injected,
            ratioOf(p.database(), p.statement()), truthNote(p), d == null ? null : d.since(), active,
            d == null ? Double.NaN : d.ratio(), d == null ? Double.NaN : d.pValue(),
            occurrences.getOrDefault(p.tenant(), new int[2])[0], occurrences.getOrDefault(p.tenant(), new int[2])[1]));
      } else {
        r.benign.add(new DetectionReport.Benign(p.tenant(), p.change(), tl.injected,
            falsesByTenant.getOrDefault(p.tenant(), 0L), benignNote(p)));
      }
    }
    long restartFalses = r.falses.stream().filter(f -> f.cause().equals("restart")).count();
    r.benign.add(new DetectionReport.Benign("(all)", "PostgreSQL restart (pg_ctl stop -m fast, start)", tl.restartedAt,
        restartFalses, DetectionReport.fmt("down %d ms; %d workload errors while down", tl.downtime.toMillis(),
            outageErrors)));
    r.notes.add(truthTable());
    r.notes.add(noiseTable("tenant_wayne"));
    r.notes.add(otherFindings());
    return r;
  }

  private String truthNote(Plan p) {
    Change c = change(p.database(), p.statement());
    return c == null ? "" : DetectionReport.fmt("%.2f -> %.2f ms", c.beforeMeanMs(), c.afterMeanMs()) + c.tempBlocks();
  }

  private String benignNote(Plan p) {
    Change main = change(p.database(), "customer_by_id");
    String volume = main == null ? "" : DetectionReport.fmt("customer_by_id calls x%.2f, per call x%.2f",
        main.volumeRatio(), main.perCallRatio());
    long others = all.stream().filter(s -> p.database().equals(s.database()) && !s.kind().equals("regression")).count();
    String kinds = all.stream().filter(s -> p.database().equals(s.database()) && !s.kind().equals("regression"))
        .map(s -> s.kind() + " " + label(s)).distinct().sorted().collect(Collectors.joining(", "));
    return volume + (others == 0 ? "" : "; other findings: " + kinds);
  }

  /** Per statement and tenant: the true per-call ratio after/before the changes. */
  private String truthTable() {
    Map<String, Map<String, Double>> byLabel = new TreeMap<>();
    truth.forEach((k, c) -> {
      String label = labelOf(c);
      if (!label.startsWith("(unnamed)")) {
        byLabel.computeIfAbsent(label, x -> new HashMap<>()).put(k.database(), c.perCallRatio());
      }
    });
    var b = new StringBuilder("### True per-call ratios (after / before the changes, from pg_stat_statements)\n\n| statement |");
    plans.forEach(p -> b.append(' ').append(p.tenant()).append(" |"));
    b.append("\n| --- |");
    plans.forEach(p -> b.append(" ---: |"));
    b.append('\n');
    byLabel.forEach((label, m) -> {
      b.append("| ").append(label).append(" |");
      for (Plan p : plans) {
        Double v = m.get(p.database());
        b.append(' ').append(v == null || v.isNaN() ? "-" : DetectionReport.fmt("%.2f", v)).append(" |");
      }
      b.append('\n');
    });
    return b.toString();
  }

  /**
   * Per window (from the bench's own pg_stat_statements snapshots at window boundaries): the server's
   * execution time per second over all tenants, and the per-call means of the control tenant's statements.
   */
  private String noiseTable(String database) {
    List<String> labels = List.of("customer_by_id", "orders_by_customer", "customer_totals", "order_summary",
        "note_ranking", "revenue_report");
    var b = new StringBuilder("### Noise: load and the control tenant (" + database + ") per window\n\n");
    b.append("| window (from the change) | server exec s/s |");
    labels.forEach(l -> b.append(' ').append(l).append(" ms |"));
    b.append("\n| ---: | ---: |");
    labels.forEach(l -> b.append(" ---: |"));
    b.append('\n');
    List<PgssTruth.Snapshot> snaps;
    synchronized (tl.windows) {
      snaps = List.copyOf(tl.windows);
    }
    for (int i = 1; i < snaps.size(); i++) {
      PgssTruth.Snapshot a = snaps.get(i - 1), z = snaps.get(i);
      Map<Key, PgssTruth.Sums> d = z.since(a);
      double seconds = Duration.between(a.at(), z.at()).toMillis() / 1000.0;
      double load = d.values().stream().mapToDouble(PgssTruth.Sums::execMs).sum() / 1000 / seconds;
      double rel = Duration.between(tl.injected, a.at()).toMillis() / (double) window.toMillis();
      b.append(DetectionReport.fmt("| %.1f | %.2f |", rel, load));
      for (String l : labels) {
        PgssTruth.Sums s = d.entrySet().stream()
            .filter(e -> e.getKey().database().equals(database) && l.equals(e.getValue().label()))
            .map(Map.Entry::getValue).findFirst().orElse(null);
        b.append(s == null ? " - |" : DetectionReport.fmt(" %.2f |", s.execMs() / s.calls()));
      }
      b.append('\n');
    }
    return b.toString();
  }

  private String otherFindings() {
    Map<String, Long> counts = all.stream().filter(s -> !s.kind().equals("regression"))
        .collect(Collectors.groupingBy(s -> s.kind() + " (" + s.state() + ")", TreeMap::new, Collectors.counting()));
    return "Other findings reported by the agent (not scored): " + (counts.isEmpty() ? "none" : counts.toString()) + ".";
  }
}

package dev.earlybird.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The figures of one detection run (one baseline mode over one workload) and their Markdown. Measures, does
 * not judge: a missed goal says MISS, and nothing here throws because of it.
 *
 * <p>Definitions, printed with the figures: a regression finding is a true positive when it is on a statement
 * an injection made slower, with its first window starting at or after the window the injection fell in;
 * every other regression finding is false. Latency is (first window of the finding's streak - injection) in
 * windows (negative: the window the injection fell in already showed it); time to active is from the injection
 * until the finding was seen active, in windows.
 */
final class DetectionReport {
  /** Causes of false regressions that the second goal is about. */
  static final Set<String> VOLUME_OR_NOISE = Set.of("volume", "noise");

  /**
   * @param trueRatio per-call mean after / before, measured on the workload itself; NaN if unknown
   * @param since first window of the finding's streak; null when not found
   * @param occurrences regression findings on the statement since the injection (a finding that resolves and
   *     comes back is a new one)
   * @param resolved how many of them resolved, although the injected regression lasts to the end of the run
   */
  record Injection(
      String tenant, String kind, String statement, Instant at, double trueRatio, String truthNote, Instant since,
      Instant activeAt, double ratio, double pValue, int occurrences, int resolved) {
    boolean detected() {
      return since != null;
    }
  }

  record Benign(String tenant, String change, Instant at, long falseRegressions, String notes) {}

  /** @param cause what made it: volume, noise, restart, seasonality, new statement, outage, ... */
  record FalseFinding(
      String tenant, String statement, String cause, Instant since, String state, double ratio, double pValue,
      String note) {}

  final String title;
  final Duration window;
  final List<String[]> settings = new ArrayList<>();
  final List<Injection> injections = new ArrayList<>();
  final List<Benign> benign = new ArrayList<>();
  final List<FalseFinding> falses = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  /** Findings on statements an injection really slowed down (the injected statement and collateral ones). */
  int truePositives;
  ZoneId displayZone = ZoneId.of("UTC");

  DetectionReport(String title, Duration window) {
    this.title = title;
    this.window = window;
  }

  void setting(String key, Object value) {
    settings.add(new String[] {key, String.valueOf(value)});
  }

  double latencyWindows(Injection i) {
    return Duration.between(i.at(), i.since()).toMillis() / (double) window.toMillis();
  }

  double activeWindows(Injection i) {
    return i.activeAt() == null ? Double.NaN : Duration.between(i.at(), i.activeAt()).toMillis() / (double) window.toMillis();
  }

  double recall() {
    return injections.isEmpty() ? Double.NaN : injections.stream().filter(Injection::detected).count() / (double) injections.size();
  }

  double precision() {
    int all = truePositives + falses.size();
    return all == 0 ? Double.NaN : truePositives / (double) all;
  }

  /** Every injection measured at >= 2x found with latency <= 2 windows (and active). */
  List<Injection> goalOneMisses() {
    return injections.stream()
        .filter(i -> i.trueRatio() >= 2.0)
        .filter(i -> !i.detected() || latencyWindows(i) > 2.0 || i.activeAt() == null)
        .toList();
  }

  long goalTwoFalses() {
    return falses.stream().filter(f -> VOLUME_OR_NOISE.contains(f.cause())).count();
  }

  String markdown() {
    var b = new StringBuilder();
    b.append("## ").append(title).append("\n\n");
    b.append("| setting | value |\n| --- | --- |\n");
    for (String[] s : settings) {
      b.append("| ").append(s[0]).append(" | ").append(s[1].replace("|", "\\|")).append(" |\n");
    }
    b.append("\n### Injected regressions\n\n");
    b.append("| tenant | kind | statement | injected at | true per-call ratio | detected | latency (windows) "
        + "| to active (windows) | finding ratio | p | findings (resolved) |\n");
    b.append("| --- | --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (Injection i : injections) {
      b.append(row(i.tenant(), i.kind(), i.statement(), time(i.at()),
          fmt("%.2fx", i.trueRatio()) + (i.truthNote() == null || i.truthNote().isEmpty() ? "" : " (" + i.truthNote() + ")"),
          i.detected() ? "yes" : "**no**",
          i.detected() ? fmt("%.2f", latencyWindows(i)) : "-",
          i.detected() && i.activeAt() != null ? fmt("%.2f", activeWindows(i)) : "-",
          i.detected() ? fmt("%.2f", i.ratio()) : "-",
          i.detected() ? pValue(i.pValue()) : "-",
          i.occurrences() + " (" + i.resolved() + ")"));
    }
    b.append("\n### Benign changes\n\n| tenant | change | at | false regressions | notes |\n| --- | --- | --- | ---: | --- |\n");
    for (Benign x : benign) {
      b.append(row(x.tenant(), x.change(), x.at() == null ? "-" : time(x.at()), Long.toString(x.falseRegressions()),
          x.notes()));
    }
    b.append("\n### False regression findings\n\n");
    if (falses.isEmpty()) {
      b.append("none\n");
    } else {
      b.append("| tenant | statement | cause | since | state | ratio | p | note |\n");
      b.append("| --- | --- | --- | --- | --- | ---: | ---: | --- |\n");
      for (FalseFinding f : falses) {
        b.append(row(f.tenant(), f.statement(), f.cause(), time(f.since()), f.state(), fmt("%.2f", f.ratio()),
            pValue(f.pValue()), f.note()));
      }
    }
    b.append("\n### Figures\n\n");
    long detected = injections.stream().filter(Injection::detected).count();
    double[] lat = injections.stream().filter(Injection::detected).mapToDouble(this::latencyWindows).sorted().toArray();
    double[] act = injections.stream().filter(i -> i.activeAt() != null).mapToDouble(this::activeWindows).sorted().toArray();
    b.append(fmt("- recall: %d of %d injected regressions found (%.2f)\n", detected, injections.size(), recall()));
    b.append(fmt("- precision: %d true of %d regression findings (%.2f)\n", truePositives, truePositives + falses.size(),
        precision()));
    b.append(fmt("- latency (first window of the streak - injection): median %s, max %s windows\n", median(lat), max(lat)));
    b.append(fmt("- time to active (injection -> seen active): median %s, max %s windows\n", median(act), max(act)));
    int occurrences = injections.stream().mapToInt(Injection::occurrences).sum();
    int resolved = injections.stream().mapToInt(Injection::resolved).sum();
    b.append(fmt("- findings per injected regression: %d for %d injections, %d of them resolved while the regression"
        + " lasted (flapping)\n", occurrences, injections.size(), resolved));
    List<Injection> misses = goalOneMisses();
    long big = injections.stream().filter(i -> i.trueRatio() >= 2.0).count();
    b.append(fmt("- every injected regression >= 2x found within two windows: **%s** (%d injections measured >= 2x%s)\n",
        misses.isEmpty() ? "MET" : "MISS", big,
        misses.isEmpty() ? "" : "; missed: " + String.join(", ", misses.stream().map(i -> i.tenant() + "/" + i.kind()).toList())));
    b.append(fmt("- no false regression from volume changes or noise: **%s** (%d such false findings; %d false findings"
        + " in all)\n", goalTwoFalses() == 0 ? "MET" : "MISS", goalTwoFalses(), falses.size()));
    for (String n : notes) {
      b.append("\n").append(n).append("\n");
    }
    return b.toString();
  }

  String time(Instant t) {
    if (t == null) {
      return "-";
    }
    var f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(displayZone);
    return f.format(t) + (displayZone.getId().equals("UTC") ? "Z" : " " + displayZone.getId());
  }

  private static String row(String... cells) {
    return "| " + String.join(" | ", Arrays.stream(cells).map(c -> c == null ? "" : c.replace("|", "\\|")).toList())
        + " |\n";
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  static String pValue(double p) {
    return Double.isNaN(p) ? "-" : p < 0.001 ? "<0.001" : fmt("%.3f", p);
  }

  private static String median(double[] sorted) {
    if (sorted.length == 0) {
      return "-";
    }
    int n = sorted.length;
    double m = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return fmt("%.2f", m);
  }

  private static String max(double[] sorted) {
    return sorted.length == 0 ? "-" : fmt("%.2f", sorted[sorted.length - 1]);
  }
}

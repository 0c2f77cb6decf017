package dev.earlybird.bench;

import dev.earlybird.bench.SyntheticFleet.Injection;
import dev.earlybird.bench.SyntheticFleet.Series;
import dev.earlybird.history.FindingFilter;
import dev.earlybird.history.FindingRow;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingKind;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scores one replay run. The truth is the model itself: an injection multiplies a statement's per-call cost by
 * a known factor from a known instant; anything else the analysis calls a regression is false, and its cause
 * is named from the model: the statement's own seasonal swing (its per-call mean at that hour is at least
 * {@value #SEASONAL}x its call-weighted mean over the day before, which is what a rolling baseline compares
 * with), a volume change, the agent's outage, or noise.
 */
final class ReplayScoring {
  static final double SEASONAL = 1.4;

  private final SyntheticFleet fleet;
  private final ReplayDetection.Run run;
  private final Duration window;

  ReplayScoring(SyntheticFleet fleet, ReplayDetection.Run run, Duration window) {
    this.fleet = fleet;
    this.run = run;
    this.window = window;
  }

  DetectionReport report() {
    var r = new DetectionReport("Replay: " + run.mode + " baseline " + run.baselineYaml, window);
    var reg = run.config.analysis().regression();
    r.setting("fleet", SyntheticFleet.DATABASES + " tenant databases x " + SyntheticFleet.STATEMENTS
        + " statements (+1 new), one target; tenants alternately America/New_York and Europe/London; a poll every "
        + SyntheticFleet.POLL.toMinutes() + " min; per-call times lognormal");
    r.setting("analysis", "baseline " + run.baselineYaml + ", regression {window: 1h, minCalls: " + reg.minCalls()
        + ", minRatio: " + reg.minRatio() + ", maxPValue: " + reg.maxPValue() + ", minExtraPerHour: "
        + reg.minExtraPerHour().toSeconds() + "s, persistence: " + reg.persistence() + ", resolveAfter: "
        + reg.resolveAfter() + "} (defaults but the window); store maintain() every simulated hour, default retention");
    List<Finding> findings = new ArrayList<>(run.store.findings(new FindingFilter(Optional.of(FindingKind.REGRESSION),
        Optional.empty(), Optional.empty(), Optional.empty(), 100_000)).stream().map(FindingRow::finding).toList());
    findings.sort(Comparator.comparing(Finding::since));
    Map<Injection, Finding> detections = new HashMap<>();
    Map<Injection, List<Finding>> occurrences = new HashMap<>();
    Map<String, Long> causes = new HashMap<>();
    for (Finding f : findings) {
      Series s = series(f);
      Injection inj = s == null ? null : injection(s);
      if (inj != null && !f.since().isBefore(hourOf(inj.at()))) {
        r.truePositives++;
        detections.putIfAbsent(inj, f);
        occurrences.computeIfAbsent(inj, x -> new ArrayList<>()).add(f);
        continue;
      }
      String cause = cause(s, f.since());
      causes.merge(cause + (s == null ? "" : "/" + s.db()), 1L, Long::sum);
      var e = (Evidence.Regression) f.evidence();
      r.falses.add(new DetectionReport.FalseFinding(f.tenant(), s == null ? "queryid " + f.queryId() : s.label(), cause,
          f.since(), f.state().label(), e.ratio(), e.pValue(), localNote(s, f.since())));
    }
    for (Injection i : SyntheticFleet.INJECTIONS) {
      Series s = fleet.find(i.db(), i.statement());
      Finding d = detections.get(i);
      var e = d == null ? null : (Evidence.Regression) d.evidence();
      Instant at = i.at();
      double before = fleet.meanMs(s, at.minusSeconds(1)), after = fleet.meanMs(s, at.plusSeconds(1));
      double extraPerHour = (after - before) * fleet.callsPerHour(s, at) / 1000;
      r.injections.add(new DetectionReport.Injection(s.tenant() + " (" + zone(s) + ")", "per call x" + i.factor(),
          s.label(), at, after / before, DetectionReport.fmt("%.1f -> %.1f ms, +%.0f s/h; %s local", before, after,
              extraPerHour, i.local()), d == null ? null : d.since(), d == null ? null : run.firstActive.get(d.id()),
          e == null ? Double.NaN : e.ratio(), e == null ? Double.NaN : e.pValue(),
          occurrences.getOrDefault(i, List.of()).size(),
          (int) occurrences.getOrDefault(i, List.of()).stream().filter(f -> f.resolvedAt().isPresent()).count()));
    }
    r.notes.add(flapping(occurrences));
    benign(r, causes);
    return r;
  }

  /** When each injected regression's findings held, in the tenant's local time: shows a finding that flaps. */
  private String flapping(Map<Injection, List<Finding>> occurrences) {
    var b = new StringBuilder("### Findings on the injected statements (local time; -> resolved)\n\n");
    var f = java.time.format.DateTimeFormatter.ofPattern("EEE dd HH:mm", java.util.Locale.ROOT);
    for (Injection i : SyntheticFleet.INJECTIONS) {
      Series s = fleet.find(i.db(), i.statement());
      List<String> spans = occurrences.getOrDefault(i, List.of()).stream()
          .map(x -> f.format(x.since().atZone(s.zone()))
              + x.resolvedAt().map(t -> "->" + f.format(t.atZone(s.zone()))).orElse("->(active)"))
          .toList();
      b.append("- ").append(s.tenant()).append(' ').append(s.label()).append(": ")
          .append(spans.isEmpty() ? "none" : String.join(", ", spans)).append('\n');
    }
    return b.toString();
  }

  private void benign(DetectionReport r, Map<String, Long> causes) {
    r.benign.add(new DetectionReport.Benign(SyntheticFleet.tenantName(SyntheticFleet.SURGE_DB), "volume x4 for a day ("
        + SyntheticFleet.SURGE_DAY + " local), same per-call cost", null,
        causes.getOrDefault("volume/" + SyntheticFleet.SURGE_DB, 0L), ""));
    r.benign.add(new DetectionReport.Benign(SyntheticFleet.tenantName(SyntheticFleet.HOLIDAY_DB), "quiet day x0.1 ("
        + SyntheticFleet.HOLIDAY + " local, a holiday)", null,
        causes.getOrDefault("volume/" + SyntheticFleet.HOLIDAY_DB, 0L), ""));
    long newFalses = r.falses.stream().filter(f -> f.statement().startsWith("s" + SyntheticFleet.STATEMENTS + " ")).count();
    long newFindings = run.store.findings(new FindingFilter(Optional.of(FindingKind.NEW), Optional.empty(),
        Optional.empty(), Optional.empty(), 100_000)).stream()
        .filter(x -> x.finding().queryId() == SyntheticFleet.queryId(SyntheticFleet.STATEMENTS)).count();
    r.benign.add(new DetectionReport.Benign(SyntheticFleet.tenantName(SyntheticFleet.NEW_DB), "a new statement from "
        + SyntheticFleet.NEW_FROM + " local", null, newFalses, newFindings + " 'new' finding(s) on it"));
    long goneFalses = r.falses.stream().filter(f -> f.tenant() != null
        && f.tenant().equals(SyntheticFleet.tenantName(SyntheticFleet.GONE_DB)) && f.statement().startsWith("s5 ")).count();
    r.benign.add(new DetectionReport.Benign(SyntheticFleet.tenantName(SyntheticFleet.GONE_DB), "s5 stops for good from "
        + SyntheticFleet.GONE_FROM + " local", null, goneFalses, ""));
    r.benign.add(new DetectionReport.Benign("(all)", "agent down " + SyntheticFleet.OUTAGE_FROM + " to "
        + SyntheticFleet.OUTAGE_TO + ": the next poll's intervals span 3 h", SyntheticFleet.OUTAGE_FROM,
        r.falses.stream().filter(f -> f.cause().equals("agent outage")).count(), ""));
    r.benign.add(new DetectionReport.Benign("(all)", "seasonal swings: batch 2x at night, end-of-day 2.5x at 17:00,"
        + " Monday backlog 2.2x 07-11, oltp up to 1.25x at peak; busy mornings, quiet nights and weekends", null,
        r.falses.stream().filter(f -> f.cause().equals("seasonality")).count(), "DST changes inside the period"));
  }

  private Series series(Finding f) {
    return fleet.series.stream()
        .filter(s -> SyntheticFleet.oid(s.db()) == f.dbId() && s.queryId() == f.queryId()).findFirst().orElse(null);
  }

  private static Injection injection(Series s) {
    return SyntheticFleet.INJECTIONS.stream()
        .filter(i -> i.db() == s.db() && i.statement() == s.statement()).findFirst().orElse(null);
  }

  private Instant hourOf(Instant t) {
    long w = window.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), w) * w);
  }

  /** Why a non-injected statement was called a regression at {@code since}, from the model. */
  private String cause(Series s, Instant since) {
    if (s == null) {
      return "noise";
    }
    if (!since.isBefore(SyntheticFleet.OUTAGE_TO) && since.isBefore(SyntheticFleet.OUTAGE_TO.plus(Duration.ofHours(2)))) {
      return "agent outage";
    }
    LocalDate day = since.atZone(s.zone()).toLocalDate();
    if ((s.db() == SyntheticFleet.SURGE_DB && day.equals(SyntheticFleet.SURGE_DAY))
        || (s.db() == SyntheticFleet.HOLIDAY_DB && day.equals(SyntheticFleet.HOLIDAY))) {
      return "volume";
    }
    Instant mid = since.plus(window.dividedBy(2));
    double calls = 0, cost = 0;
    for (int h = 1; h <= 24; h++) {
      Instant t = since.minus(window.multipliedBy(h)).minus(window.dividedBy(2));
      double c = fleet.callsPerHour(s, t);
      calls += c;
      cost += c * fleet.meanMs(s, t);
    }
    if (calls > 0 && fleet.meanMs(s, mid) >= SEASONAL * cost / calls) {
      return "seasonality";
    }
    return "noise";
  }

  private static String zone(Series s) {
    return s.zone().getId().equals("Europe/London") ? "London" : "New York";
  }

  private static String localNote(Series s, Instant since) {
    if (s == null) {
      return "";
    }
    ZonedDateTime local = since.atZone(s.zone());
    String day = local.getDayOfWeek().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ROOT);
    return DetectionReport.fmt("%s %s %02d:00 local (%s)", day, local.toLocalDate(), local.getHour(), zone(s));
  }
}

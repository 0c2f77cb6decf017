package dev.earlybird.alert;

import dev.earlybird.model.AlertStage;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.Subject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An alert's labels and annotations, from its finding. Pure. Labels are what routes, silences and Alertmanager
 * match on; they never hold a statement's text (that stays in the store and on the statement's page).
 */
public final class AlertText {
  private final Supplier<URI> base;

  /** @param externalUrl where people reach the UI ({@code web.externalUrl}) */
  public AlertText(URI externalUrl) {
    this(() -> externalUrl);
  }

  /** @param base where people reach the UI, asked at each use (the agent's own URL is known once it listens) */
  public AlertText(Supplier<URI> base) {
    this.base = base;
  }

  private String baseUrl() {
    String s = base.get().toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  public Map<String, String> labels(Finding f, AlertStage stage) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("alertname", alertname(f));
    l.put("severity", f.severity().yamlName());
    l.put("stage", stage.label());
    l.put("kind", f.kind().label());
    l.put("target", f.target());
    l.put("tenant", f.tenant() != null ? f.tenant() : String.join(",", f.tenants()));
    l.put("database", f.database() != null ? f.database() : "");
    l.put("queryid", f.subject() instanceof Subject.Statement s ? Long.toString(s.queryId()) : "");
    l.put("fingerprint", f.fingerprint());
    l.values().removeIf(String::isEmpty); // Alertmanager treats an empty label as absent; so do we
    return l;
  }

  public Map<String, String> annotations(Finding f) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("summary", summary(f));
    a.put("description", description(f.evidence()));
    a.put("url", url(f));
    return a;
  }

  /** {@code EarlybirdRegression}, {@code EarlybirdForecast}, ... */
  static String alertname(Finding f) {
    String k = f.kind().label();
    return "Earlybird" + Character.toUpperCase(k.charAt(0)) + k.substring(1);
  }

  private static String summary(Finding f) {
    String where = switch (f.subject()) {
      case Subject.Statement s -> (s.tenant() != null ? "tenant " + s.tenant() + ", " : "")
          + s.target() + "/" + Optional.ofNullable(s.database()).orElse("oid " + s.dbId()) + " queryid " + s.queryId();
      case Subject.Database d -> d.target() + "/" + Optional.ofNullable(d.database()).orElse("oid " + d.dbId());
      case Subject.Target t -> "target " + t.target();
      case Subject.Tenant t -> "tenant " + t.tenant();
    };
    return f.kind().label() + " on " + where + ": " + f.summary();
  }

  /** The evidence in words, the numbers a DBA checks first. */
  static String description(Evidence e) {
    return switch (e) {
      case Evidence.Regression r -> String.format(Locale.ROOT,
          "Mean per call rose from %s to %s (%.1fx) against the %s baseline (%d calls before, %d after; %s); "
              + "%.0f s of extra execution time per hour.",
          ms(r.beforeMeanMs()), ms(r.afterMeanMs()), r.ratio(), r.baseline(), r.beforeCalls(), r.afterCalls(),
          r.pValue() < 0.001 ? "p < 0.001" : String.format(Locale.ROOT, "p = %.3f", r.pValue()),
          r.extraSecondsPerHour());
      case Evidence.New n -> String.format(Locale.ROOT,
          "Not in the baseline; now rank %d by CPU with %d calls at %s per call (%.0f CPU s per hour, %s).",
          n.rank(), n.calls(), ms(n.meanMs()), n.cpuSecondsPerHour(), n.cpuSource());
      case Evidence.Outlier o -> String.format(Locale.ROOT,
          "%s per call against a median of %s for the same SQL across %d databases (%.1fx); %.0f s extra per hour.",
          ms(o.meanMs()), ms(o.fleetMedianMs()), o.databasesCompared(), o.ratio(), o.extraSecondsPerHour());
      case Evidence.Hot h -> String.format(Locale.ROOT,
          "Rank %d by CPU: %.1f%% of the target's CPU, %d calls at %s per call (%.0f CPU s per hour, %s).",
          h.rank(), h.sharePct(), h.calls(), ms(h.meanMs()), h.cpuSecondsPerHour(), h.cpuSource());
      case Evidence.Advice a -> a.advice();
      case Evidence.Forecast f -> String.format(Locale.ROOT,
          "Expected CPU from %s to %s: %.0f%% of %.0f vCPUs (threshold %.0f%%); open regressions add %.0f points.",
          f.from(), f.to(), 100 * f.cpuRatio(), f.vcpus(), 100 * f.maxCpuRatio(), 100 * f.regressionCpuRatio());
    };
  }

  /** The statement's page for a statement; the findings of the target otherwise. */
  String url(Finding f) {
    return switch (f.subject()) {
      case Subject.Statement s -> s.database() == null
          ? baseUrl() + "/findings?target=" + enc(s.target())
          : baseUrl() + "/queries/" + enc(s.target()) + "/" + enc(s.database()) + "/" + s.queryId();
      case Subject.Tenant t -> baseUrl() + "/findings?tenant=" + enc(t.tenant());
      default -> baseUrl() + "/findings?target=" + enc(f.target());
    };
  }

  public String reviewUrl(String tenant, java.time.LocalDate workday) {
    return baseUrl() + "/reviews/" + enc(tenant) + "/" + workday;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String ms(double v) {
    return v >= 1000 ? String.format(Locale.ROOT, "%.2f s", v / 1000) : String.format(Locale.ROOT, "%.2f ms", v);
  }
}

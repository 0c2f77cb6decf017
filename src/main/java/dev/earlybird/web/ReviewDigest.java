package dev.earlybird.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A stored review's document read for a DBA: open findings, what changed since the previous review, each target's
 * CPU forecast and the hot list, numbers rounded and times in UTC to the second. It reads the very document the API
 * serves and the receivers got, so the page cannot tell a different story. Any field may be missing or null (older
 * documents): a part that is missing shows empty instead of failing the page. Texts stay raw; the template escapes
 * them (they come from monitored databases).
 */
public final class ReviewDigest {
  /** A hot statement shows its first line's worth; the title and the statement's page have the rest. */
  static final int QUERY_CHARS = 120;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SEVERITIES = List.of("critical", "warning", "info");
  private static final DateTimeFormatter DAY_TIME =
      DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ENGLISH).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private ReviewDigest() {}

  /** @param problem why the document cannot be read (then everything else is empty), null when it can */
  public record Digest(
      List<String> targets,
      String changesSince,
      List<FindingLine> findings,
      List<FindingLine> appeared,
      List<FindingLine> resolved,
      List<ForecastLine> forecasts,
      List<HotLine> hot,
      List<AdviceLine> advice,
      String problem) {
    static Digest unreadable(String problem) {
      return new Digest(List.of(), "", List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), problem);
    }
  }

  /** Open advice: what to do before the tenant's day starts, with the DDL where there is one. */
  public record AdviceLine(String rule, String target, String database, String link, String advice, String ddl,
      String state) {}

  /** @param link the statement's page; null when the finding is not about one statement */
  public record FindingLine(
      String severity, String kind, String target, String database, String queryId, String link, String summary,
      String since, String resolvedAt) {}

  /**
   * @param cpu the expected CPU as a share of the vCPUs ("91%"); null when the target has no forecast
   * @param over above the limit that raises a forecast finding
   * @param regressions the points open regressions add ("+12 points"), "none" when they add nothing
   */
  public record ForecastLine(
      String target, String cpu, boolean over, String limit, String vcpus, String hours, String regressions,
      String weeks, List<Contributor> top) {}

  public record Contributor(
      String database, String queryId, String link, String cpu, String calls, String perCall, String cpuSource,
      boolean regressed) {}

  /** @param query one line, cut to {@link #QUERY_CHARS}; {@code fullQuery} as stored */
  public record HotLine(
      String target, String database, String queryId, String link, String query, String fullQuery, String calls,
      String mean, String cpu, String cpuSource, String share, String baseline, String change) {}

  static Digest of(String body) {
    JsonNode r;
    try {
      r = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return Digest.unreadable("The stored document is not JSON; the API serves it as stored.");
    }
    if (r == null || !r.isObject()) {
      return Digest.unreadable("The stored document is not a JSON object; the API serves it as stored.");
    }
    Set<String> targets = new LinkedHashSet<>();
    items(r.path("targets")).forEach(t -> {
      if (t.isValueNode() && !t.isNull()) {
        targets.add(t.asText());
      }
    });
    return new Digest(List.copyOf(targets), time(r, "changesSince"), findings(r.path("findings")),
        findings(r.path("changes").path("new")), findings(r.path("changes").path("resolved")),
        forecasts(targets, items(r.path("forecast"))), items(r.path("hot")).stream().map(ReviewDigest::hot).toList(),
        advice(r.path("findings")), null);
  }

  private static List<AdviceLine> advice(JsonNode findings) {
    return items(findings).stream()
        .filter(f -> "advice".equals(text(f, "kind")))
        .map(f -> {
          JsonNode e = f.path("evidence");
          return new AdviceLine(or(text(e, "rule"), "advice"), text(f, "target"), text(f, "database"),
              link(text(f, "target"), text(f, "database"), text(f, "queryId")), or(text(e, "advice"), ""),
              text(e, "ddl"), or(text(f, "state"), "active"));
        })
        .toList();
  }

  private static List<FindingLine> findings(JsonNode list) {
    return items(list).stream().map(f -> new FindingLine(
            or(text(f, "severity"), ""), or(text(f, "kind"), "finding"), text(f, "target"), text(f, "database"),
            text(f, "queryId"), link(text(f, "target"), text(f, "database"), text(f, "queryId")),
            oneLine(or(text(f, "summary"), "")), time(f, "since"), time(f, "resolvedAt")))
        .sorted(Comparator.comparingInt(f -> severityRank(f.severity())))
        .toList();
  }

  private static int severityRank(String severity) {
    int i = SEVERITIES.indexOf(severity);
    return i < 0 ? SEVERITIES.size() : i;
  }

  /** One line per target of the review, also those without a forecast (their capacity is unknown). */
  private static List<ForecastLine> forecasts(Set<String> targets, List<JsonNode> forecasts) {
    List<ForecastLine> out = new ArrayList<>();
    Set<String> shown = new LinkedHashSet<>();
    for (JsonNode f : forecasts) {
      String target = or(text(f, "target"), "?");
      shown.add(target);
      Double ratio = number(f, "cpuRatio");
      Double limit = number(f, "maxCpuRatio");
      Double regressions = number(f, "regressionCpuRatio");
      Double vcpus = number(f, "vcpus");
      Double weeks = number(f, "weeks");
      List<Contributor> top = items(f.path("top")).stream().map(c -> contributor(target, c)).toList();
      out.add(new ForecastLine(target, ratio == null ? "?" : pct(ratio), ratio != null && limit != null && ratio > limit,
          limit == null ? "" : pct(limit), vcpus == null ? "?" : plain(vcpus), hours(f),
          regressions == null || Math.round(regressions * 100) == 0 ? "none"
              : String.format(Locale.ROOT, "%+d points", Math.round(regressions * 100)),
          weeks == null ? "" : plain(weeks), top));
    }
    for (String t : targets) {
      if (!shown.contains(t)) {
        out.add(new ForecastLine(t, null, false, "", "", "", "", "", List.of()));
      }
    }
    return out;
  }

  private static Contributor contributor(String target, JsonNode c) {
    Double seconds = number(c, "cpuSeconds");
    Double calls = number(c, "expectedCalls");
    return new Contributor(text(c, "database"), text(c, "queryId"),
        link(target, text(c, "database"), text(c, "queryId")), Units.ms(seconds == null ? null : seconds * 1000),
        calls == null ? "-" : Units.count(Math.round(calls)), Units.ms(number(c, "cpuMsPerCall")),
        or(text(c, "cpuSource"), ""), c.path("regressed").asBoolean(false));
  }

  /** "Tue 2026-12-08 08:00–11:00 UTC", or both days when the hours cross midnight. */
  private static String hours(JsonNode f) {
    Instant from = instant(text(f, "from"));
    Instant to = instant(text(f, "to"));
    if (from == null || to == null) {
      return or(text(f, "from"), "?") + " to " + or(text(f, "to"), "?");
    }
    boolean sameDay = from.atOffset(ZoneOffset.UTC).toLocalDate().equals(to.atOffset(ZoneOffset.UTC).toLocalDate());
    return DAY_TIME.format(from) + "–" + (sameDay ? TIME.format(to) : DAY_TIME.format(to)) + " UTC";
  }

  private static HotLine hot(JsonNode h) {
    String query = text(h, "query");
    Double calls = number(h, "calls");
    Double share = number(h, "sharePct");
    return new HotLine(text(h, "target"), text(h, "database"), text(h, "queryId"),
        link(text(h, "target"), text(h, "database"), text(h, "queryId")),
        query == null ? "(text not fetched)" : cut(oneLine(query)), or(query, ""),
        calls == null ? "-" : Units.count(Math.round(calls)), Units.ms(number(h, "meanMs")),
        Units.ms(number(h, "cpuMs")), or(text(h, "cpuSource"), ""), share == null ? "-" : share > 0 && share < 0.05 ? "<0.1%" : Units.percent(share),
        Units.ms(number(h, "baselineMeanMs")), Units.change(number(h, "changePct")));
  }

  /** The statement's page, when the document names all three parts and the queryid is a number. */
  private static String link(String target, String database, String queryId) {
    if (target == null || database == null || queryId == null) {
      return null;
    }
    try {
      return Links.query(target, database, Long.parseLong(queryId));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A list's items; an object stands for a list of one (early documents held one forecast, not a list). */
  private static List<JsonNode> items(JsonNode n) {
    List<JsonNode> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(i -> {
        if (i.isObject() || i.isValueNode() && !i.isNull()) {
          out.add(i);
        }
      });
    } else if (n.isObject()) {
      out.add(n);
    }
    return out;
  }

  /** A scalar as text; null when absent, null or blank. */
  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return !v.isValueNode() || v.isNull() || v.asText().isBlank() ? null : v.asText();
  }

  /** A number, also one written as text; null when there is none. */
  private static Double number(JsonNode n, String field) {
    JsonNode v = n.path(field);
    if (v.isNumber()) {
      return v.asDouble();
    }
    try {
      return v.isTextual() ? Double.valueOf(v.asText().trim()) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Instant instant(String s) {
    try {
      return s == null ? null : Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** An instant in UTC to the second; a value that is no instant as it is. */
  private static String time(JsonNode n, String field) {
    String s = text(n, field);
    Instant at = instant(s);
    return at != null ? Units.time(at) : or(s, "");
  }

  private static String pct(double ratio) {
    return Math.round(ratio * 100) + "%";
  }

  /** 4 rather than 4.0; 0.5 stays. */
  private static String plain(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String oneLine(String s) {
    return s.replaceAll("(?U)\\s+", " ").strip();
  }

  private static String cut(String s) {
    int points = s.codePointCount(0, s.length());
    return points <= QUERY_CHARS ? s : s.substring(0, s.offsetByCodePoints(0, QUERY_CHARS)) + "…";
  }

  private static String or(String s, String fallback) {
    return s == null ? fallback : s;
  }
}

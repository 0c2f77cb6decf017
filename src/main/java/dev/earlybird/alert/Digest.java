package dev.earlybird.alert;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A morning review read for people, in receiver-neutral parts: a subject, a few lines of context, and sections of
 * plain-text lines. Texts are raw (statement text is hostile): each renderer escapes for its format and cuts to its
 * limits.
 */
record Digest(String subject, List<String> context, List<Section> sections, Optional<String> url) {
  /** How many hot statements a digest lists; the review page has the rest. */
  static final int TOP_HOT = 10;

  /** How much of a statement a digest line shows. */
  static final int QUERY_CHARS = 160;

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);

  /** @param more items left out of {@code lines} (shown as "and N more") */
  record Section(String heading, List<String> lines, int more) {}

  static Digest of(JsonNode payload) {
    JsonNode r = Payload.at(payload, "review");
    String tenant = Payload.textOr(r, "tenant", "?");
    List<Section> sections = new ArrayList<>();
    JsonNode hot = Payload.at(r, "hot");
    List<String> hotLines = new ArrayList<>();
    for (int i = 0; i < Math.min(hot.size(), TOP_HOT); i++) {
      hotLines.add((i + 1) + ". " + hotLine(hot.get(i)));
    }
    sections.add(new Section("Hot statements", orNone(hotLines), Math.max(0, hot.size() - TOP_HOT)));
    sections.add(new Section("Open findings", orNone(lines(Payload.at(r, "findings"))), 0));
    sections.add(new Section("New since the last review", orNone(lines(Payload.at(r, "changes", "new"))), 0));
    sections.add(new Section("Resolved since the last review",
        orNone(lines(Payload.at(r, "changes", "resolved"))), 0));
    List<String> forecast = new ArrayList<>();
    Payload.at(r, "forecast").forEach(f -> forecast.add(forecastLine(f)));
    sections.add(new Section("CPU forecast for the workday", orNone(forecast), 0));
    List<String> context = new ArrayList<>();
    context.add("Tenant " + tenant + ", workday " + Payload.textOr(r, "workday", "?"));
    Payload.text(r, "ranAt").ifPresent(at -> context.add("Ran at " + at
        + (Payload.at(r, "late").asBoolean(false) ? " (LATE: scheduled for "
            + Payload.textOr(r, "scheduledFor", "?") + ")" : "")));
    return new Digest(subject(r), context, sections, Payload.text(r, "url"));
  }

  /** "Earlybird morning review: tenant acme, Tue 8 Dec (2 regressions, forecast 85% CPU)". */
  static String subject(JsonNode r) {
    String day = Payload.text(r, "workday").map(d -> {
      try {
        return LocalDate.parse(d).format(DAY);
      } catch (DateTimeParseException e) {
        return d;
      }
    }).orElse("?");
    List<String> notes = new ArrayList<>();
    long regressions = 0;
    for (JsonNode f : Payload.at(r, "findings")) {
      regressions += Payload.text(f, "kind").orElse("").equals("regression") ? 1 : 0;
    }
    if (regressions > 0) {
      notes.add(regressions + (regressions == 1 ? " regression" : " regressions"));
    }
    int findings = Payload.at(r, "findings").size();
    if (findings > regressions) {
      notes.add((findings - regressions) + (regressions > 0 ? " other" : "")
          + (findings - regressions == 1 ? " finding" : " findings"));
    }
    double maxRatio = -1;
    for (JsonNode f : Payload.at(r, "forecast")) {
      maxRatio = Math.max(maxRatio, Payload.number(f, "cpuRatio").orElse(-1.0));
    }
    if (maxRatio >= 0) {
      notes.add("forecast " + Math.round(maxRatio * 100) + "% CPU");
    }
    return Texts.oneLine("Earlybird morning review: tenant " + Payload.textOr(r, "tenant", "?") + ", " + day
        + (notes.isEmpty() ? " (nothing found)" : " (" + String.join(", ", notes) + ")"));
  }

  private static List<String> orNone(List<String> lines) {
    return lines.isEmpty() ? List.of("none") : lines;
  }

  private static List<String> lines(JsonNode findings) {
    List<String> out = new ArrayList<>();
    findings.forEach(f -> out.add(findingLine(f)));
    return out;
  }

  static String findingLine(JsonNode f) {
    return Payload.textOr(f, "severity", "?") + " " + Payload.textOr(f, "kind", "finding") + " on " + where(f)
        + Payload.text(f, "queryId").map(q -> " (queryid " + q + ")").orElse("") + ": "
        + Texts.oneLine(Payload.textOr(f, "summary", "no summary"))
        + Payload.text(f, "since").map(s -> ", since " + s).orElse("")
        + Payload.text(f, "state").filter(s -> !s.equals("open")).map(s -> " [" + s + "]").orElse("");
  }

  static String hotLine(JsonNode h) {
    StringBuilder s = new StringBuilder(where(h));
    Payload.text(h, "queryId").ifPresent(q -> s.append(" queryid ").append(q));
    s.append(":");
    Payload.number(h, "calls").ifPresent(c -> s.append(' ').append(Texts.number(c)).append(" calls,"));
    Payload.number(h, "meanMs").ifPresent(m -> s.append(" mean ").append(Texts.millis(m)));
    Payload.number(h, "changePct").ifPresent(p -> s.append(" (").append(p >= 0 ? "+" : "").append(Texts.number(p))
        .append("%").append(Payload.number(h, "baselineMeanMs").map(b -> " vs " + Texts.millis(b)).orElse(""))
        .append(")"));
    Payload.number(h, "cpuMs").ifPresent(c -> s.append(", CPU ").append(Texts.millis(c))
        .append(Payload.text(h, "cpuSource").map(src -> " (" + src + ")").orElse("")));
    Payload.number(h, "sharePct").ifPresent(p -> s.append(", ").append(Texts.number(p)).append("% of the target"));
    Payload.text(h, "query").ifPresent(q -> s.append(" | ").append(Texts.cut(Texts.oneLine(q), QUERY_CHARS)));
    return s.toString();
  }

  static String forecastLine(JsonNode f) {
    StringBuilder s = new StringBuilder(Payload.textOr(f, "target", "?")).append(": expected ");
    s.append(Payload.number(f, "cpuRatio").map(r -> Math.round(r * 100) + "%").orElse("?")).append(" CPU");
    Payload.number(f, "maxCpuRatio").ifPresent(m -> s.append(" (limit ").append(Math.round(m * 100)).append("%)"));
    Payload.number(f, "vcpus").ifPresent(v -> s.append(" of ").append(Texts.number(v)).append(" vCPUs"));
    Optional<String> from = Payload.text(f, "from");
    Optional<String> to = Payload.text(f, "to");
    if (from.isPresent() || to.isPresent()) {
      s.append(", ").append(from.orElse("?")).append(" to ").append(to.orElse("?"));
    }
    return s.toString();
  }

  private static String where(JsonNode n) {
    return Payload.textOr(n, "target", "?") + Payload.text(n, "database").map(d -> "/" + d).orElse("");
  }
}

package dev.earlybird.alert;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An alert payload read for people: what the chat message, the page and the mail say. Missing fields read as
 * empty or {@code ?}; texts are raw (each renderer escapes for its format).
 *
 * @param evidence the finding's numbers in words, one item each
 * @param query the statement text, when the payload carries it (hostile: render escaped)
 */
record AlertView(
    boolean firing,
    Map<String, String> labels,
    String summary,
    Optional<String> description,
    Optional<String> url,
    Optional<Instant> startsAt,
    Optional<Instant> endsAt,
    List<String> evidence,
    Optional<String> query) {

  static AlertView of(JsonNode payload) {
    Map<String, String> labels = Payload.strings(payload, "labels");
    JsonNode finding = Payload.at(payload, "finding");
    String summary = Payload.text(payload, "annotations", "summary")
        .or(() -> Payload.text(finding, "summary"))
        .orElse(labels.getOrDefault("alertname", "Earlybird alert"));
    return new AlertView(
        !Payload.text(payload, "status").orElse("firing").equals("resolved"),
        labels,
        summary,
        Payload.text(payload, "annotations", "description"),
        Payload.text(payload, "annotations", "url"),
        Payload.instant(payload, "startsAt"),
        Payload.instant(payload, "endsAt"),
        evidence(Payload.at(finding, "evidence")),
        Payload.text(finding, "query"));
  }

  String label(String name) {
    return labels.getOrDefault(name, "?");
  }

  String severity() {
    return label("severity");
  }

  /** {@code target/database}, or the target alone. */
  String where() {
    String db = labels.get("database");
    return label("target") + (db == null ? "" : "/" + db);
  }

  /** One line: status, severity, kind, where, summary. */
  String title() {
    return (firing ? "[FIRING] " : "[RESOLVED] ") + severity() + " " + labels.getOrDefault("kind", "finding")
        + " on " + where() + ": " + Texts.oneLine(summary);
  }

  /** Label lines a person uses to find the query: stage, tenant, target/database, queryid. */
  List<String> facts() {
    List<String> out = new ArrayList<>();
    out.add("Severity: " + severity() + ", stage: " + label("stage"));
    out.add("Tenant: " + label("tenant"));
    out.add("Where: " + where() + (labels.containsKey("queryid") ? ", queryid " + labels.get("queryid") : ""));
    return out;
  }

  private static final Set<String> WORDED = Set.of("beforeMeanMs", "afterMeanMs", "ratio", "extraSecondsPerHour",
      "calls", "afterCalls", "meanMs", "sharePct", "fleetMedianMs", "databasesCompared", "cpuSecondsPerHour",
      "baseline", "pValue", "cpuSource", "beforeCalls");

  /** The evidence's numbers in words where we know them, {@code name: value} for the rest. */
  static List<String> evidence(JsonNode e) {
    List<String> out = new ArrayList<>();
    if (!e.isObject()) {
      return out;
    }
    Optional<Double> before = Payload.number(e, "beforeMeanMs");
    Optional<Double> after = Payload.number(e, "afterMeanMs").or(() -> Payload.number(e, "meanMs"));
    Optional<Double> ratio = Payload.number(e, "ratio");
    if (before.isPresent() && after.isPresent()) {
      out.add("Mean time per call rose from " + Texts.millis(before.get()) + " to " + Texts.millis(after.get())
          + ratio.map(r -> " (x" + Texts.number(r) + ")").orElse(""));
    } else if (after.isPresent()) {
      out.add("Mean time per call " + Texts.millis(after.get())
          + Payload.number(e, "fleetMedianMs").map(m -> ", fleet median " + Texts.millis(m)).orElse("")
          + ratio.map(r -> " (x" + Texts.number(r) + ")").orElse(""));
    }
    Payload.number(e, "extraSecondsPerHour")
        .ifPresent(s -> out.add("Extra database time: " + Texts.number(s) + " s per hour"));
    Payload.number(e, "cpuSecondsPerHour")
        .ifPresent(s -> out.add("CPU: " + Texts.number(s) + " s per hour (3600 = one core busy)"));
    Payload.number(e, "sharePct").ifPresent(p -> out.add("Share of the target's CPU: " + Texts.number(p) + "%"));
    Payload.number(e, "afterCalls").or(() -> Payload.number(e, "calls"))
        .ifPresent(c -> out.add("Calls in the window: " + Texts.number(c)));
    Payload.number(e, "databasesCompared").ifPresent(n -> out.add("Databases compared: " + Texts.number(n)));
    Payload.text(e, "baseline").ifPresent(b -> out.add("Compared with the " + b + " baseline"
        + Payload.number(e, "pValue").map(p -> ", p-value " + Texts.number(p)).orElse("")));
    Payload.text(e, "cpuSource").ifPresent(c -> out.add("CPU measured as: " + c));
    e.properties().forEach(p -> {
      if (!WORDED.contains(p.getKey()) && p.getValue().isValueNode() && !p.getValue().isNull()
          && !p.getKey().endsWith("Ms2")) {
        out.add(p.getKey() + ": " + (p.getValue().isNumber() ? Texts.number(p.getValue().asDouble())
            : Texts.oneLine(p.getValue().asText())));
      }
    });
    return out;
  }
}

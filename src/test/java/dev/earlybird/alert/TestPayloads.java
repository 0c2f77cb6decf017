package dev.earlybird.alert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.earlybird.history.NewNotification;
import java.time.Instant;

/** Payloads as the outbox holds them, with hostile statement text and sizes past every receiver's limit. */
final class TestPayloads {
  /** What a hostile statement or summary may hold: mrkdwn and HTML control characters, a mention, a fake link. */
  static final String HOSTILE = "SELECT '<!channel> <script>alert(1)</script> & <https://evil.example|click>' "
      + "FROM t WHERE a > 1 AND b < 2 -- `code` *bold*";

  private TestPayloads() {}

  static ObjectNode alert(String status, String tenant, String summary) {
    ObjectNode p = Payload.JSON.createObjectNode();
    p.put("type", "alert").put("status", status);
    ObjectNode labels = p.putObject("labels");
    labels.put("alertname", "EarlybirdRegression").put("severity", "critical").put("stage", "found")
        .put("kind", "regression").put("target", "aurora-prod-1").put("tenant", tenant).put("database", "acme_app")
        .put("queryid", "-5477190318465443").put("fingerprint", "fp-" + tenant);
    p.putObject("annotations").put("summary", summary).put("description", "Mean time per call rose 3x.")
        .put("url", "https://earlybird.example.com/findings/f1");
    p.put("startsAt", "2026-12-07T05:00:00Z");
    p.putNull("endsAt");
    ObjectNode f = p.putObject("finding");
    f.put("id", "f1").put("kind", "regression").put("severity", "critical").put("state", "open")
        .put("target", "aurora-prod-1").put("database", "acme_app").put("tenant", tenant)
        .put("queryId", "-5477190318465443").put("query", HOSTILE).put("summary", summary);
    f.putObject("evidence").put("baseline", "seasonal").put("beforeMeanMs", 1.2).put("afterMeanMs", 3.9)
        .put("beforeCalls", 1000).put("afterCalls", 1200).put("beforeVarianceMs2", 0.3).put("ratio", 3.25)
        .put("pValue", 0.0001).put("extraSecondsPerHour", 42.5).put("cpuSource", "exec");
    return p;
  }

  static ObjectNode review(int hot, int findings, int summaryChars) {
    ObjectNode p = Payload.JSON.createObjectNode();
    p.put("type", "review");
    ObjectNode r = p.putObject("review");
    r.put("id", "r1").put("tenant", "acme").put("workday", "2026-12-08").put("scheduledFor", "2026-12-08T05:30:00Z")
        .put("ranAt", "2026-12-08T05:30:02Z").put("late", false).put("url", "https://earlybird.example.com/reviews/r1");
    ArrayNode h = r.putArray("hot");
    for (int i = 0; i < hot; i++) {
      h.addObject().put("target", "aurora-prod-1").put("database", "acme_app").put("queryId", Integer.toString(i))
          .put("query", HOSTILE + " /* " + "x".repeat(500) + " */").put("calls", 1000 + i).put("meanMs", 2.5)
          .put("cpuMs", 120000.0).put("cpuSource", "exec").put("sharePct", 12.5).put("baselineMeanMs", 2.0)
          .put("changePct", 25.0);
    }
    ArrayNode f = r.putArray("findings");
    for (int i = 0; i < findings; i++) {
      f.add(finding(i, summaryChars));
    }
    ObjectNode changes = r.putObject("changes");
    changes.putArray("new").add(finding(1, 40));
    changes.putArray("resolved");
    r.putArray("forecast").addObject().put("target", "aurora-prod-1").put("cpuRatio", 0.85).put("maxCpuRatio", 0.8)
        .put("vcpus", 8).put("from", "2026-12-08T12:00:00Z").put("to", "2026-12-08T15:00:00Z");
    return p;
  }

  private static ObjectNode finding(int i, int summaryChars) {
    ObjectNode f = Payload.JSON.createObjectNode();
    String summary = (HOSTILE + " ").repeat(summaryChars / HOSTILE.length() + 1).substring(0, summaryChars);
    return f.put("id", "f" + i).put("kind", i % 2 == 0 ? "regression" : "new").put("severity", "warning")
        .put("state", "open").put("target", "aurora-prod-1").put("database", "acme_app").put("queryId", "q" + i)
        .put("summary", summary).put("since", "2026-12-07T14:00:00Z");
  }

  static NewNotification notification(ObjectNode payload, String dedupKey) {
    String type = payload.path("type").asText();
    return new NewNotification("r", type, "ref-" + dedupKey, type.equals("review") ? "review"
        : payload.path("status").asText(), dedupKey, payload.toString(), Instant.parse("2026-12-07T06:00:00Z"));
  }
}

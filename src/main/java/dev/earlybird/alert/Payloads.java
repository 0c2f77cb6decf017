package dev.earlybird.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.earlybird.history.AlertRecord;
import dev.earlybird.model.Finding;
import java.util.Optional;

/**
 * The receiver-neutral notification documents, which are also the webhook's body: {@code {"type": "alert", "status",
 * "labels", "annotations", "startsAt", "endsAt", "finding"}} and {@code {"type": "review", "review": {...}}}. Each
 * receiver renders its own format from them. Pure.
 */
public final class Payloads {
  static final ObjectMapper JSON =
      new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private Payloads() {}

  /** @param finding the finding as it is now; absent for a re-send built from the stored alert alone */
  public static String alert(AlertRecord a, Optional<Finding> finding) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("type", "alert");
    doc.put("status", a.firing() ? "firing" : "resolved");
    doc.set("labels", JSON.valueToTree(a.labels()));
    doc.set("annotations", JSON.valueToTree(a.annotations()));
    doc.put("startsAt", a.startsAt().toString());
    if (a.endsAt().isPresent()) {
      doc.put("endsAt", a.endsAt().get().toString());
    } else {
      doc.putNull("endsAt");
    }
    finding.ifPresent(f -> doc.set("finding", finding(f)));
    return write(doc);
  }

  /** @param reviewBody the review as {@code GET /api/v1/reviews/{id}} serves it */
  public static String review(String reviewBody) {
    try {
      ObjectNode doc = JSON.createObjectNode();
      doc.put("type", "review");
      doc.set("review", JSON.readTree(reviewBody));
      return write(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("a review body is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A finding with the fields of {@code GET /api/v1/findings} (without the statement's text). */
  public static ObjectNode finding(Finding f) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", f.id());
    n.put("kind", f.kind().label());
    n.put("severity", f.severity().yamlName());
    n.put("state", f.state().label());
    n.put("target", f.target());
    n.put("database", f.database());
    n.put("tenant", f.tenant());
    n.set("tenants", JSON.valueToTree(f.tenants()));
    n.put("queryId", f.queryId() == 0 ? null : Long.toString(f.queryId()));
    n.put("family", f.family());
    n.put("summary", f.summary());
    n.put("since", f.since().toString());
    n.put("lastSeen", f.lastSeen().toString());
    n.put("resolvedAt", f.resolvedAt().map(Object::toString).orElse(null));
    n.set("evidence", JSON.valueToTree(f.evidence()));
    return n;
  }

  static String write(Object doc) {
    try {
      return JSON.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a notification document", e);
    }
  }
}

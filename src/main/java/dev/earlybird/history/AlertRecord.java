package dev.earlybird.history;

import dev.earlybird.model.AlertStage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One alert: a finding at one stage, keyed by (fingerprint, stage). Stored so that Alertmanager can be re-sent
 * what is firing, a resolve goes where the firing went, and {@code /alerts} shows what happened.
 *
 * @param fingerprint the finding's fingerprint (stable across restarts and occurrences), also the alert's label
 * @param findingId the finding occurrence it was raised for
 * @param firing false once resolved
 * @param labels the alert's labels ({@code alertname}, {@code severity}, {@code stage}, ...)
 * @param annotations {@code summary}, {@code description}, {@code url}
 * @param receivers the receivers its routes chose when it was raised (a resolve goes to the same ones)
 * @param silencedBy the silence that kept it from being sent, if any
 * @param endsAt when it was resolved
 */
public record AlertRecord(
    String fingerprint,
    AlertStage stage,
    String findingId,
    boolean firing,
    Map<String, String> labels,
    Map<String, String> annotations,
    List<String> receivers,
    Optional<String> silencedBy,
    Instant startsAt,
    Instant updatedAt,
    Optional<Instant> endsAt) {
  public AlertRecord {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(findingId, "findingId");
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    receivers = List.copyOf(receivers);
    Objects.requireNonNull(silencedBy, "silencedBy");
    Objects.requireNonNull(startsAt, "startsAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(endsAt, "endsAt");
  }
}

package dev.earlybird.web;

import dev.earlybird.history.AlertRecord;
import dev.earlybird.history.OutboxEntry;
import dev.earlybird.history.Silence;
import dev.earlybird.model.LabelMatcher;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON documents of {@code /api/v1/alerts} and {@code /api/v1/silences}: camelCase, ISO-8601 UTC instants. */
public final class AlertJson {
  private AlertJson() {}

  /**
   * @param state {@code firing}, {@code silenced} (firing, but kept from its receivers by a silence) or {@code
   *     resolved}
   * @param endsAt null while firing
   * @param silencedBy the id of the silence, null when none
   */
  public record Alert(
      String fingerprint,
      String stage,
      String state,
      Map<String, String> labels,
      Map<String, String> annotations,
      Instant startsAt,
      Instant endsAt,
      String silencedBy,
      List<String> receivers,
      List<Delivery> deliveries) {
    static Alert of(AlertRecord a, List<OutboxEntry> deliveries) {
      return new Alert(a.fingerprint(), a.stage().label(), stateOf(a), a.labels(), a.annotations(), a.startsAt(),
          a.endsAt().orElse(null), a.silencedBy().orElse(null), a.receivers(),
          deliveries.stream().map(Delivery::of).toList());
    }

    static String stateOf(AlertRecord a) {
      return !a.firing() ? "resolved" : a.silencedBy().isPresent() ? "silenced" : "firing";
    }
  }

  /**
   * The latest notification of an alert to one receiver.
   *
   * @param outcome {@code pending}, {@code sent}, {@code failed} or {@code suppressed}
   * @param at when it was delivered or given up; while pending, when it is tried next
   */
  public record Delivery(String receiver, String status, String outcome, int attempts, String lastError, Instant at) {
    static Delivery of(OutboxEntry e) {
      return new Delivery(e.receiver(), e.notification().status(), e.outcome().orElse("pending"), e.attempts(),
          e.lastError().orElse(null), e.doneAt().orElse(e.nextAttemptAt()));
    }
  }

  /** @param nextCursor null on the last page; @param prevCursor null on the first */
  public record Alerts(List<Alert> alerts, String nextCursor, String prevCursor) {}

  public record SilenceJson(
      String id, List<LabelMatcher> matchers, Instant startsAt, Instant endsAt, String createdBy, String comment,
      Instant createdAt) {
    static SilenceJson of(Silence s) {
      return new SilenceJson(s.id(), s.matchers(), s.startsAt(), s.endsAt(), s.createdBy(), s.comment(),
          s.createdAt());
    }
  }

  /** @param nextCursor null on the last page; @param prevCursor null on the first */
  public record Silences(List<SilenceJson> silences, String nextCursor, String prevCursor) {}

  /**
   * The body of {@code POST /api/v1/silences}: {@code endsAt} (an ISO-8601 instant) or {@code duration} (like
   * {@code 2h}); {@code startsAt} defaults to now, {@code comment} to "".
   */
  public record NewSilence(
      List<Matcher> matchers, String startsAt, String endsAt, String duration, String createdBy, String comment) {}

  /** @param regex false when absent */
  public record Matcher(String name, String value, Boolean regex) {}
}

package dev.earlybird.alert;

import dev.earlybird.config.AlertsConfig;
import dev.earlybird.history.AlertLog;
import dev.earlybird.history.AlertRecord;
import dev.earlybird.history.AlertWrites;
import dev.earlybird.history.NewNotification;
import dev.earlybird.history.Silence;
import dev.earlybird.history.Silences;
import dev.earlybird.model.AlertStage;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Severity;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides which alerts a change raises or resolves and which notifications go where; the caller stores them with
 * the change, in one transaction.
 *
 * <ul>
 *   <li>A finding at or above {@code alerts.minSeverity} that becomes active raises its alert of stage {@code found};
 *       one whose severity rises while active (warning to critical) raises it again, with the new severity.
 *   <li>A morning review re-raises the tenant's open ones as stage {@code morning}: a new notification each morning,
 *       with the same dedup key, so PagerDuty adds to the open incident instead of opening a second one.
 *   <li>A finding that resolves resolves its alerts of every stage, at the receivers they went to.
 *   <li>An alert that a silence matches when raised is stored as silenced and sent nowhere, nor is its resolve.
 * </ul>
 */
public final class AlertPolicy {
  public static final String ALERT = "alert";
  public static final String REVIEW = "review";

  private final AlertsConfig config;
  private final Router router;
  private final AlertText text;
  private final AlertLog alerts;
  private final Silences silences;
  private final InstantSource clock;

  public AlertPolicy(AlertsConfig config, AlertText text, AlertLog alerts, Silences silences, InstantSource clock) {
    this.config = config;
    this.router = new Router(config);
    this.text = text;
    this.alerts = alerts;
    this.silences = silences;
    this.clock = clock;
  }

  /**
   * The alerts one analysis window's finding changes raise and resolve.
   *
   * @param before the open findings before the window
   * @param changed the findings the window changed
   */
  public AlertWrites onFindings(List<Finding> before, List<Finding> changed) {
    Instant now = clock.instant();
    Map<String, Finding> previous = new HashMap<>();
    before.forEach(f -> previous.put(f.id(), f));
    List<Silence> active = silences.current(now);
    Writes out = new Writes();
    for (Finding f : changed) {
      Finding p = previous.get(f.id());
      FindingState was = p == null ? null : p.state();
      if (f.state() == FindingState.ACTIVE && was != FindingState.ACTIVE && alerted(f)) {
        raise(f, AlertStage.FOUND, Optional.empty(), active, now, out);
      } else if (f.state() == FindingState.ACTIVE && was == FindingState.ACTIVE && alerted(f)
          && f.severity().compareTo(p.severity()) > 0) {
        // Same alert (same fingerprint and stage), new severity: Alertmanager updates it, PagerDuty adds to the incident.
        // Only above what was already sent: a severity that falls and rises again must not page twice.
        Optional<AlertRecord> found =
            alerts.firing(f.fingerprint()).stream().filter(a -> a.stage() == AlertStage.FOUND).findFirst();
        boolean higher = found.map(a -> f.severity().compareTo(severityOf(a)) > 0).orElse(true);
        if (higher) {
          raise(f, AlertStage.FOUND, found, active, now, out);
        }
      } else if ((f.state() == FindingState.RESOLVED && was != FindingState.RESOLVED)
          || (f.state() == FindingState.APPLIED && was == FindingState.ACTIVE)) {
        // Advice acted on is no longer something to do: its alert resolves like a cleared condition.
        for (AlertRecord a : alerts.firing(f.fingerprint())) {
          resolve(a, f, now, out);
        }
      }
    }
    return out.done();
  }

  /** A morning review's re-raise of the open findings it lists (active ones at or above the minimum severity). */
  public AlertWrites morning(List<Finding> open) {
    Instant now = clock.instant();
    List<Silence> active = silences.current(now);
    Writes out = new Writes();
    for (Finding f : open) {
      if (f.state() != FindingState.ACTIVE || !alerted(f)) {
        continue;
      }
      Optional<AlertRecord> existing =
          alerts.firing(f.fingerprint()).stream().filter(a -> a.stage() == AlertStage.MORNING).findFirst();
      raise(f, AlertStage.MORNING, existing, active, now, out);
    }
    return out.done();
  }

  /** The digest of a review, for the receivers whose routes take reviews of this tenant. */
  public List<NewNotification> digest(String reviewId, String tenant, String body) {
    Instant now = clock.instant();
    Map<String, String> labels = Map.of("tenant", tenant);
    String payload = Payloads.review(body);
    List<NewNotification> out = new ArrayList<>();
    for (String receiver : router.receivers(labels, REVIEW)) {
      out.add(new NewNotification(receiver, REVIEW, reviewId, REVIEW, "review:" + reviewId, payload, now));
    }
    return out;
  }

  private static Severity severityOf(AlertRecord a) {
    try {
      return Severity.valueOf(a.labels().getOrDefault("severity", "info").toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Severity.INFO;
    }
  }

  private boolean alerted(Finding f) {
    return f.severity().atLeast(config.minSeverity());
  }

  private void raise(
      Finding f, AlertStage stage, Optional<AlertRecord> existing, List<Silence> active, Instant now, Writes out) {
    Map<String, String> labels = text.labels(f, stage);
    List<String> receivers = router.receivers(labels, ALERT);
    Optional<String> silencedBy = active.stream().filter(s -> s.silences(labels, now)).map(Silence::id).findFirst();
    AlertRecord a = new AlertRecord(f.fingerprint(), stage, f.id(), true, labels, text.annotations(f), receivers,
        silencedBy, existing.map(AlertRecord::startsAt).orElse(now), now, Optional.empty());
    out.alerts.add(a);
    if (silencedBy.isEmpty()) {
      String payload = Payloads.alert(a, Optional.of(f));
      for (String r : receivers) {
        out.notifications.add(new NewNotification(r, ALERT, ref(a), "firing", f.fingerprint(), payload, now));
      }
    }
  }

  private static void resolve(AlertRecord a, Finding f, Instant now, Writes out) {
    AlertRecord r = new AlertRecord(a.fingerprint(), a.stage(), a.findingId(), false, a.labels(), a.annotations(),
        a.receivers(), a.silencedBy(), a.startsAt(), now, Optional.of(now));
    out.alerts.add(r);
    if (a.silencedBy().isEmpty()) {
      String payload = Payloads.alert(r, Optional.of(f));
      for (String receiver : a.receivers()) {
        out.notifications.add(new NewNotification(receiver, ALERT, ref(r), "resolved", a.fingerprint(), payload, now));
      }
    }
  }

  /** The outbox's reference of an alert: one per finding and stage. */
  public static String ref(AlertRecord a) {
    return a.fingerprint() + ":" + a.stage().label();
  }

  private static final class Writes {
    final List<AlertRecord> alerts = new ArrayList<>();
    final List<NewNotification> notifications = new ArrayList<>();

    AlertWrites done() {
      return new AlertWrites(alerts, notifications);
    }
  }
}

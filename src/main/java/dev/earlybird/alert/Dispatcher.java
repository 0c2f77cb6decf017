package dev.earlybird.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.earlybird.config.Durations;
import dev.earlybird.history.AlertLog;
import dev.earlybird.history.AlertRecord;
import dev.earlybird.history.NewNotification;
import dev.earlybird.history.Outbox;
import dev.earlybird.history.OutboxEntry;
import dev.earlybird.history.Silence;
import dev.earlybird.history.Silences;
import dev.earlybird.metrics.AlertMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox: each receiver's notifications in the order they were written, one at a time, so a resolve
 * never overtakes its firing. A failed attempt is retried with backoff and jitter ({@code Retry-After} and 429
 * honoured) until {@code alerts.maxAge}, then given up, logged and counted. Because the outbox is in the store, a
 * restart (or kill -9) goes on where it stopped; a notification whose send succeeded but whose "sent" mark was lost
 * is sent once more, with the same dedup key, which PagerDuty and Alertmanager take as the same alert.
 *
 * <p>Before sending an alert it checks silences again (one created after the alert was raised still counts), and
 * holds the firing alerts of a target that is down (inhibition: while it is down its statements' numbers are stale;
 * the target-down alert says what matters). Alertmanager keeps its own copy and resolves what is not re-sent, so
 * firing alerts are re-sent to it every {@code alerts.resendInterval}. Runs on one thread.
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  /** How long a firing alert of a down target is held before it is looked at again. */
  static final Duration HOLD = Duration.ofSeconds(30);
  /** Notifications one receiver may get in one round; the next round goes on. */
  private static final int PER_ROUND = 100;

  private final Outbox outbox;
  private final AlertLog alerts;
  private final Silences silences;
  private final Map<String, Sender> senders;
  private final Duration maxAge;
  private final Duration resend;
  private final Predicate<String> targetDown;
  private final AlertMetrics metrics;
  private final InstantSource clock;
  private final Backoff backoff;
  /** Receivers whose last attempt failed: one log line when one starts failing and one when it recovers. */
  private final Set<String> failing = new HashSet<>();
  private Instant lastResend = Instant.MIN;

  public Dispatcher(
      Outbox outbox,
      AlertLog alerts,
      Silences silences,
      List<Sender> senders,
      Duration maxAge,
      Duration resend,
      Predicate<String> targetDown,
      AlertMetrics metrics,
      InstantSource clock,
      RandomGenerator random) {
    this.outbox = outbox;
    this.alerts = alerts;
    this.silences = silences;
    this.senders = new HashMap<>();
    senders.forEach(s -> this.senders.put(s.receiver(), s));
    this.maxAge = maxAge;
    this.resend = resend;
    this.targetDown = targetDown;
    this.metrics = metrics;
    this.clock = clock;
    this.backoff = Backoff.standard(random);
    metrics.receivers(this.senders.keySet());
  }

  /** Delivers what is due now, re-sends firing alerts when it is time, and updates the backlog gauges. */
  public void round() {
    Instant now = clock.instant();
    List<Silence> active = silences.current(now);
    Map<String, Integer> done = new HashMap<>();
    boolean progress = true;
    while (progress) {
      progress = false;
      for (OutboxEntry head : outbox.heads()) {
        String receiver = head.receiver();
        if (done.getOrDefault(receiver, 0) >= PER_ROUND || head.nextAttemptAt().isAfter(now)) {
          continue;
        }
        if (deliver(head, active, now)) {
          done.merge(receiver, 1, Integer::sum);
          progress = true;
        }
      }
    }
    if (!now.isBefore(lastResend.plus(resend))) {
      resend(active, now);
      lastResend = now;
    }
    Map<String, Outbox.Backlog> backlog = new HashMap<>();
    outbox.backlog().forEach(b -> backlog.put(b.receiver(), b));
    for (String receiver : senders.keySet()) {
      Outbox.Backlog b = backlog.get(receiver);
      metrics.backlog(receiver, b == null ? 0 : b.pending(), b == null ? Optional.empty() : b.oldest());
    }
  }

  /** One attempt at a receiver's head; true if it is done with (so the receiver's next one may go). */
  private boolean deliver(OutboxEntry e, List<Silence> active, Instant now) {
    NewNotification n = e.notification();
    Sender sender = senders.get(n.receiver());
    if (sender == null) {
      outbox.giveUp(e.id(), now, "failed", "receiver " + n.receiver() + " is no longer configured");
      log.warn("dropped a {} notification for receiver {}: it is no longer configured", n.type(), n.receiver());
      return true;
    }
    if (Duration.between(n.createdAt(), now).compareTo(maxAge) > 0) {
      outbox.giveUp(e.id(), now, "failed", "not delivered within alerts.maxAge (" + Durations.format(maxAge) + "): "
          + e.lastError().orElse("no attempt succeeded"));
      metrics.failed(n.receiver());
      log.error("gave up a {} notification ({}) for receiver {} after {} attempt(s) over {}: {}", n.type(), n.ref(),
          n.receiver(), e.attempts(), Durations.format(maxAge), e.lastError().orElse("unknown error"));
      return true;
    }
    Map<String, String> labels = n.type().equals(AlertPolicy.ALERT) ? labels(n.payload()) : Map.of();
    if (n.status().equals("firing")) {
      Optional<Silence> silence = active.stream().filter(s -> s.silences(labels, now)).findFirst();
      if (silence.isPresent()) {
        outbox.giveUp(e.id(), now, "suppressed", "silenced by " + silence.get().id());
        return true;
      }
      String target = labels.getOrDefault("target", "");
      if (!(sender instanceof Resending) && !target.isEmpty() && targetDown.test(target)) {
        outbox.retry(e.id(), now.plus(HOLD), "held while target " + target + " is down");
        return false;
      }
    }
    Delivery d;
    try {
      d = sender.send(n);
    } catch (RuntimeException ex) { // a sender's own bug must not stop delivery to the others
      d = new Delivery.Retry(Optional.empty(), "unexpected error: " + ex);
      log.error("receiver {}: sending failed unexpectedly", n.receiver(), ex);
    }
    return switch (d) {
      case Delivery.Sent s -> {
        outbox.sent(e.id(), now);
        metrics.sent(n.receiver());
        if (failing.remove(n.receiver())) {
          log.info("receiver {} accepts notifications again", n.receiver());
        }
        yield true;
      }
      case Delivery.Retry r -> {
        Duration wait = backoff.after(e.attempts() + 1, r.after());
        outbox.retry(e.id(), now.plus(wait), r.error());
        if (failing.add(n.receiver())) {
          log.warn("receiver {} failed: {}; retrying with backoff for up to {} (next in {})", n.receiver(), r.error(),
              Durations.format(maxAge), Durations.format(wait));
        }
        yield false;
      }
      case Delivery.Rejected r -> {
        outbox.giveUp(e.id(), now, "failed", r.error());
        metrics.failed(n.receiver());
        log.error("receiver {} refused a {} notification ({}); not retried: {}", n.receiver(), n.type(), n.ref(),
            r.error());
        yield true;
      }
      case Delivery.NotYet later -> false; // same nextAttemptAt: tried again next round
    };
  }

  /** Re-sends firing, unsilenced alerts to the receivers that forget them otherwise. */
  private void resend(List<Silence> active, Instant now) {
    List<AlertRecord> firing = null;
    for (Sender sender : senders.values()) {
      if (!(sender instanceof Resending resending)) {
        continue;
      }
      if (firing == null) {
        firing = alerts.alerts(Optional.of(true), 10_000);
      }
      List<NewNotification> batch = new ArrayList<>();
      for (AlertRecord a : firing) {
        if (a.receivers().contains(sender.receiver()) && a.silencedBy().isEmpty()
            && active.stream().noneMatch(s -> s.silences(a.labels(), now))) {
          batch.add(new NewNotification(sender.receiver(), AlertPolicy.ALERT, AlertPolicy.ref(a), "firing",
              a.fingerprint(), Payloads.alert(a, Optional.empty()), now));
        }
      }
      if (!batch.isEmpty()) {
        Delivery d = resending.resend(batch);
        if (!(d instanceof Delivery.Sent)) {
          log.debug("re-sending {} firing alert(s) to {} did not work: {}", batch.size(), sender.receiver(), d);
        }
      }
    }
  }

  private static Map<String, String> labels(String payload) {
    try {
      var labels = Payloads.JSON.readTree(payload).get("labels");
      return labels == null ? Map.of()
          : Payloads.JSON.convertValue(labels, new TypeReference<Map<String, String>>() {});
    } catch (java.io.IOException | IllegalArgumentException e) {
      return Map.of();
    }
  }
}

package dev.earlybird.config;

import dev.earlybird.model.Severity;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Alerting.
 *
 * @param leadTime the morning review runs at workdayStart minus this, in each tenant's zone (under a day)
 * @param minSeverity findings at or above it are alerted as soon as found
 * @param routes none: every receiver gets every alert and review
 * @param maxAge a notification not delivered by then is given up (logged and counted)
 * @param resendInterval how often firing alerts are sent to Alertmanager again (it resolves what is not re-sent)
 */
public record AlertsConfig(
    Duration leadTime,
    Severity minSeverity,
    List<ReceiverConfig> receivers,
    List<RouteConfig> routes,
    ForecastConfig forecast,
    Duration maxAge,
    Duration resendInterval) {
  public static final Duration DEFAULT_LEAD_TIME = Duration.ofMinutes(90);
  public static final Severity DEFAULT_MIN_SEVERITY = Severity.WARNING;
  public static final Duration MAX_LEAD_TIME = Duration.ofHours(24);
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);
  /** As Prometheus re-sends to Alertmanager; well under Alertmanager's default resolve_timeout of 5m. */
  public static final Duration DEFAULT_RESEND_INTERVAL = Duration.ofMinutes(1);

  public AlertsConfig {
    Objects.requireNonNull(leadTime, "leadTime");
    if (leadTime.isNegative() || leadTime.compareTo(MAX_LEAD_TIME) >= 0) {
      throw new IllegalArgumentException("alerts.leadTime must be from 0s to under 24h");
    }
    Objects.requireNonNull(minSeverity, "minSeverity");
    Objects.requireNonNull(forecast, "forecast");
    Objects.requireNonNull(maxAge, "maxAge");
    if (!maxAge.isPositive()) {
      throw new IllegalArgumentException("alerts.maxAge must be above 0");
    }
    Objects.requireNonNull(resendInterval, "resendInterval");
    if (!resendInterval.isPositive()) {
      throw new IllegalArgumentException("alerts.resendInterval must be above 0");
    }
    receivers = List.copyOf(receivers);
    routes = List.copyOf(routes);
    Set<String> names = new HashSet<>();
    for (ReceiverConfig r : receivers) {
      if (!names.add(r.name())) {
        throw new IllegalArgumentException("duplicate receiver name " + r.name());
      }
    }
    for (RouteConfig route : routes) {
      for (String name : route.receivers()) {
        if (!names.contains(name)) {
          throw new IllegalArgumentException("route names undefined receiver " + name);
        }
      }
    }
  }

  public AlertsConfig(
      Duration leadTime, Severity minSeverity, List<ReceiverConfig> receivers, List<RouteConfig> routes) {
    this(leadTime, minSeverity, receivers, routes, ForecastConfig.DEFAULT, DEFAULT_MAX_AGE, DEFAULT_RESEND_INTERVAL);
  }

  public static AlertsConfig defaults() {
    return new AlertsConfig(DEFAULT_LEAD_TIME, DEFAULT_MIN_SEVERITY, List.of(), List.of());
  }
}

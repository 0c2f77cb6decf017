package dev.earlybird.config;

import java.util.Locale;

/** Where alerts can be sent; lowercase in YAML. */
public enum ReceiverType {
  /** Alertmanager v2 API; needs {@code url}. */
  ALERTMANAGER,
  /** PagerDuty Events v2; needs {@code routingKey}; {@code url} optionally overrides the events endpoint. */
  PAGERDUTY,
  /** Slack incoming webhook; needs {@code url} (which is itself a secret). */
  SLACK,
  /** Generic JSON POST; needs {@code url}; optional {@code secret} signs the body. */
  WEBHOOK,
  /** SMTP with TLS; needs {@code smtp}, {@code from}, {@code to}; meant for morning reviews. */
  EMAIL;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Alertmanager and PagerDuty take alerts only: a digest is not an alert, nor a page. */
  public boolean takesReviews() {
    return this != ALERTMANAGER && this != PAGERDUTY;
  }

  public boolean needsUrl() {
    return this != PAGERDUTY && this != EMAIL;
  }
}

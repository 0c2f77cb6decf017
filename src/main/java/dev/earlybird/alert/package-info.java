/**
 * Alerting: which findings become alerts and when (stage {@code found}, and {@code morning} from the morning
 * reviews), routes to receivers, silences and inhibition, the outbox dispatcher, and the receivers themselves
 * (Alertmanager API v2, PagerDuty Events API v2, Slack incoming webhooks, signed webhooks, email over SMTP).
 *
 * <p>Depends on {@code dev.earlybird.model}, {@code dev.earlybird.config}, {@code dev.earlybird.history} (the
 * alert, outbox, review and silence stores), {@code dev.earlybird.metrics}, the JDK's HTTP client, Jackson and
 * Jakarta Mail; never on {@code analysis}, {@code schedule} or {@code web}.
 */
package dev.earlybird.alert;

package dev.earlybird.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * One alert destination. Which optional fields apply depends on {@link ReceiverType}: alertmanager, slack
 * and webhook need {@code url}; pagerduty needs {@code routingKey}; {@code secret} is for webhook only.
 */
public record ReceiverConfig(
    String name, ReceiverType type, Optional<URI> url, Optional<Secret> routingKey, Optional<Secret> secret) {
  public ReceiverConfig {
    Objects.requireNonNull(name, "name");
    if (!TargetConfig.NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad receiver name " + Values.quote(name));
    }
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(routingKey, "routingKey");
    Objects.requireNonNull(secret, "secret");
    if (type.needsUrl() && url.isEmpty()) {
      throw new IllegalArgumentException("receiver " + name + " (" + type.yamlName() + ") needs a url");
    }
    if (type == ReceiverType.PAGERDUTY && routingKey.isEmpty()) {
      throw new IllegalArgumentException("receiver " + name + " (pagerduty) needs a routingKey");
    }
  }

  /** Slack webhook URLs are credentials, so only their host is printed. */
  @Override
  public String toString() {
    return "ReceiverConfig[name=" + name + ", type=" + type.yamlName() + ", url="
        + url.map(u -> Redact.url(u, type != ReceiverType.SLACK)) + ", routingKey=" + routingKey + ", secret="
        + secret + "]";
  }
}

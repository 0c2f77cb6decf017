package dev.earlybird.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * One alert destination. Which optional fields apply depends on {@link ReceiverType}: alertmanager, slack
 * and webhook need {@code url}; pagerduty needs {@code routingKey}; {@code secret} is for webhook only; email needs
 * {@code email}.
 */
public record ReceiverConfig(
    String name,
    ReceiverType type,
    Optional<URI> url,
    Optional<Secret> routingKey,
    Optional<Secret> secret,
    Optional<EmailConfig> email) {
  public ReceiverConfig {
    Objects.requireNonNull(name, "name");
    if (!TargetConfig.NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad receiver name " + Values.quote(name));
    }
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(routingKey, "routingKey");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(email, "email");
    if (type.needsUrl() && url.isEmpty()) {
      throw new IllegalArgumentException("receiver " + name + " (" + type.yamlName() + ") needs a url");
    }
    if (type == ReceiverType.PAGERDUTY && routingKey.isEmpty()) {
      throw new IllegalArgumentException("receiver " + name + " (pagerduty) needs a routingKey");
    }
    if ((type == ReceiverType.EMAIL) != email.isPresent()) {
      throw new IllegalArgumentException("receiver " + name + " (" + type.yamlName() + "): smtp, from and to are "
          + (email.isPresent() ? "only for type: email" : "needed"));
    }
  }

  /** A receiver of any type but email. */
  public ReceiverConfig(
      String name, ReceiverType type, Optional<URI> url, Optional<Secret> routingKey, Optional<Secret> secret) {
    this(name, type, url, routingKey, secret, Optional.empty());
  }

  public static ReceiverConfig email(String name, EmailConfig email) {
    return new ReceiverConfig(
        name, ReceiverType.EMAIL, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(email));
  }

  /** Slack and webhook URLs may be credentials (the token is the path), so only their host is printed. */
  @Override
  public String toString() {
    return "ReceiverConfig[name=" + name + ", type=" + type.yamlName() + ", url="
        + url.map(u -> Redact.url(u, type != ReceiverType.SLACK && type != ReceiverType.WEBHOOK)) + ", routingKey=" + routingKey + ", secret="
        + secret + email.map(e -> ", email=" + e).orElse("") + "]";
  }
}

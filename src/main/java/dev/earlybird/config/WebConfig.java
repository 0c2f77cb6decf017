package dev.earlybird.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The web UI and API's own settings.
 *
 * @param token the bearer token that write actions (pinning and deleting baselines) need; without one they
 *     are refused, so an agent listening on a shared network cannot be changed by whoever reaches it
 * @param externalUrl where people reach the UI (behind a proxy, say): the base of links in alerts and digests;
 *     empty: the listen address
 */
public record WebConfig(Optional<Secret> token, Optional<URI> externalUrl) {
  public static final WebConfig DEFAULT = new WebConfig(Optional.empty(), Optional.empty());

  public WebConfig(Optional<Secret> token) {
    this(token, Optional.empty());
  }
  /** Long enough that guessing it over HTTP is hopeless. */
  public static final int MIN_TOKEN_LENGTH = 16;

  public WebConfig {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(externalUrl, "externalUrl");
  }
}

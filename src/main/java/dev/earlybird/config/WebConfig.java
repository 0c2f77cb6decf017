package dev.earlybird.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The web UI and API's own settings.
 *
 * @param token the bearer token that write actions (pinning and deleting baselines) need; without one they
 *     are refused, so an agent listening on a shared network cannot be changed by whoever reaches it
 */
public record WebConfig(Optional<Secret> token) {
  public static final WebConfig DEFAULT = new WebConfig(Optional.empty());
  /** Long enough that guessing it over HTTP is hopeless. */
  public static final int MIN_TOKEN_LENGTH = 16;

  public WebConfig {
    Objects.requireNonNull(token, "token");
  }
}

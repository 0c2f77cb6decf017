package dev.earlybird.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The advisor's settings for one target.
 *
 * @param enabled false: the advisor never connects to this target's databases (no plans, no catalog reads)
 * @param url where the advisor plans and reads catalogs instead of the target's url, e.g. a replica or Aurora's reader
 *     endpoint, so that planning work never lands on the writer; the database in it is replaced by each database the
 *     advisor visits. Same user and password as the target.
 */
public record TargetAdvisor(boolean enabled, Optional<String> url) {
  public static final TargetAdvisor DEFAULT = new TargetAdvisor(true, Optional.empty());

  public TargetAdvisor {
    Objects.requireNonNull(url, "url");
    url.ifPresent(u -> {
      if (!u.startsWith(TargetConfig.URL_PREFIX)) {
        throw new IllegalArgumentException("targets[].advisor.url must start with " + TargetConfig.URL_PREFIX);
      }
    });
  }

  @Override
  public String toString() {
    return "TargetAdvisor[enabled=" + enabled + ", url=" + url.map(Redact::jdbcUrl) + "]";
  }
}

package dev.earlybird.config;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One PostgreSQL server to poll.
 *
 * @param name unique; appears in Prometheus labels and URL paths, hence the restricted alphabet
 * @param url {@code jdbc:postgresql://host:port/db}; printed with any password parameter masked
 * @param user null: the driver's default (URL parameter or OS user)
 * @param password null: none (trust, .pgpass, IAM token later)
 */
public record TargetConfig(
    String name, String url, String user, Secret password, DatabaseFilter databases, Optional<AwsConfig> aws) {
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  public static final String URL_PREFIX = "jdbc:postgresql://";

  public TargetConfig {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad target name " + Values.quote(name));
    }
    Objects.requireNonNull(url, "url");
    if (!url.startsWith(URL_PREFIX)) {
      throw new IllegalArgumentException("target url must start with " + URL_PREFIX);
    }
    Objects.requireNonNull(databases, "databases");
    Objects.requireNonNull(aws, "aws");
  }

  /** A target with default database filter, no credentials and no AWS link; for tests and the demo. */
  public static TargetConfig of(String name, String url) {
    return new TargetConfig(name, url, null, null, DatabaseFilter.defaults(), Optional.empty());
  }

  @Override
  public String toString() {
    return "TargetConfig[name=" + name + ", url=" + Redact.jdbcUrl(url) + ", user=" + user + ", password="
        + password + ", databases=" + databases + ", aws=" + aws + "]";
  }
}

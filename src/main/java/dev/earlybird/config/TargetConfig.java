package dev.earlybird.config;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
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
    String name,
    String url,
    String user,
    Secret password,
    DatabaseFilter databases,
    Optional<AwsConfig> aws,
    OptionalDouble vcpus,
    TargetAdvisor advisor) {
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
    Objects.requireNonNull(vcpus, "vcpus");
    Objects.requireNonNull(advisor, "advisor");
    if (vcpus.isPresent() && !(vcpus.getAsDouble() > 0)) {
      throw new IllegalArgumentException("target vcpus must be above 0");
    }
  }

  /** With the advisor's defaults. */
  public TargetConfig(String name, String url, String user, Secret password, DatabaseFilter databases,
      Optional<AwsConfig> aws, OptionalDouble vcpus) {
    this(name, url, user, password, databases, aws, vcpus, TargetAdvisor.DEFAULT);
  }

  /** Without a capacity for the forecast (RDS discovery may fill it in from the instance class). */
  public TargetConfig(
      String name, String url, String user, Secret password, DatabaseFilter databases, Optional<AwsConfig> aws) {
    this(name, url, user, password, databases, aws, OptionalDouble.empty());
  }

  public TargetConfig withVcpus(OptionalDouble vcpus) {
    return new TargetConfig(name, url, user, password, databases, aws, vcpus, advisor);
  }

  public TargetConfig withAdvisor(TargetAdvisor advisor) {
    return new TargetConfig(name, url, user, password, databases, aws, vcpus, advisor);
  }

  /** A target with default database filter, no credentials and no AWS link; for tests and the demo. */
  public static TargetConfig of(String name, String url) {
    return new TargetConfig(name, url, null, null, DatabaseFilter.defaults(), Optional.empty());
  }

  @Override
  public String toString() {
    return "TargetConfig[name=" + name + ", url=" + Redact.jdbcUrl(url) + ", user=" + user + ", password="
        + password + ", databases=" + databases + ", aws=" + aws + ", vcpus=" + vcpus + ", advisor=" + advisor + "]";
  }
}

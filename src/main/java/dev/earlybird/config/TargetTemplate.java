package dev.earlybird.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to connect to each instance that discovery finds: everything a static target has, except the host and
 * port, which come from the instance's endpoint.
 *
 * @param name the target name with placeholders {@code {identifier}}, {@code {region}} and {@code {cluster}}
 *     (empty for an instance outside a cluster); must contain {@code {identifier}}, the one value that differs
 *     per instance
 * @param database the database to connect to (pg_stat_statements covers every database of the server)
 * @param user the login role
 * @param password null with {@code iamAuth} (the token replaces it) or when the server needs none
 * @param iamAuth log in with a fresh RDS IAM auth token per connection
 * @param params extra JDBC URL parameters ({@code sslmode=verify-full&sslrootcert=...}), "" for none
 */
public record TargetTemplate(
    String name,
    String database,
    String user,
    Secret password,
    boolean iamAuth,
    String params,
    DatabaseFilter databases) {
  public static final String DEFAULT_NAME = "{identifier}";
  public static final String DEFAULT_DATABASE = "postgres";
  public static final List<String> PLACEHOLDERS = List.of("identifier", "region", "cluster");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

  public TargetTemplate {
    checkName(name);
    Objects.requireNonNull(database, "database");
    if (database.isBlank()) {
      throw new IllegalArgumentException("template.database must not be blank");
    }
    Objects.requireNonNull(user, "user");
    if (iamAuth && password != null) {
      throw new IllegalArgumentException("template: iamAuth and password exclude each other");
    }
    params = params == null ? "" : params;
    Objects.requireNonNull(databases, "databases");
  }

  /**
   * Checks a name template; the message says what is wrong and how to fix it.
   *
   * @throws IllegalArgumentException when it has an unknown placeholder, lacks {@code {identifier}}, or could
   *     never render to a valid target name
   */
  static String checkName(String template) {
    Objects.requireNonNull(template, "name");
    Matcher m = PLACEHOLDER.matcher(template);
    boolean identifier = false;
    while (m.find()) {
      if (!PLACEHOLDERS.contains(m.group(1))) {
        throw new IllegalArgumentException(Values.quote(template) + " has the unknown placeholder {" + m.group(1)
            + "}; expected {identifier}, {region} or {cluster}");
      }
      identifier |= m.group(1).equals("identifier");
    }
    if (!identifier) {
      throw new IllegalArgumentException(Values.quote(template) + " has no {identifier}; expected a name with "
          + "{identifier} like \"{identifier}\" or \"rds-{region}-{identifier}\" (each instance needs its own name)");
    }
    String sample = render(template, "a", "us-east-1", "c");
    if (!TargetConfig.NAME.matcher(sample).matches()) {
      throw new IllegalArgumentException(Values.quote(template) + " does not make a valid target name; expected "
          + "letters, digits, '_', '.' or '-' around the placeholders, starting with a letter or digit (names "
          + "appear in metric labels and URLs)");
    }
    return template;
  }

  /** The target name of one instance; may be invalid (too long, say): the caller checks it. */
  public String targetName(String identifier, String region, Optional<String> cluster) {
    return render(name, identifier, region, cluster.orElse(""));
  }

  /** The JDBC URL of one instance endpoint. */
  public String url(String host, int port) {
    return TargetConfig.URL_PREFIX + host + ":" + port + "/" + database + (params.isEmpty() ? "" : "?" + params);
  }

  private static String render(String template, String identifier, String region, String cluster) {
    return template.replace("{identifier}", identifier).replace("{region}", region).replace("{cluster}", cluster);
  }

  @Override
  public String toString() {
    return "TargetTemplate[name=" + name + ", database=" + database + ", user=" + user + ", password=" + password
        + ", iamAuth=" + iamAuth + ", params=" + Redact.jdbcUrl("?" + params).substring(1) + ", databases="
        + databases + "]";
  }
}

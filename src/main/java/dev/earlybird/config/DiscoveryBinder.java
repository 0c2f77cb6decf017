package dev.earlybird.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Binds the optional {@code discovery:} section and its connection {@code template:}. */
final class DiscoveryBinder {
  static final List<String> KEYS =
      List.of("regions", "endpoint", "endpoints", "tags", "engines", "refresh", "template");
  static final List<String> TEMPLATE_KEYS =
      List.of("name", "database", "user", "password", "iamAuth", "params", "databases");
  private static final Pattern DATABASE = Pattern.compile("[^/?#&\\s]+");
  /** AWS tag keys: 1 to 128 Unicode characters (and values up to 256). */
  private static final int MAX_TAG_KEY = 128;
  private static final int MAX_TAG_VALUE = 256;

  private DiscoveryBinder() {}

  static Optional<DiscoveryConfig> bind(Optional<MapNode> section) {
    if (section.isEmpty()) {
      return Optional.empty();
    }
    MapNode m = section.get();
    List<String> regions = regions(m);
    Optional<URI> endpoint = m.optional("endpoint", Values::httpUrl);
    Map<AwsService, URI> endpoints = AwsBinder.endpoints(m.map("endpoints", AwsBinder.SERVICE_KEYS));
    Map<String, String> tags = tags(m.map("tags", null));
    List<String> engines = engines(m);
    Duration refresh = m.value("refresh", Values.duration(false), DiscoveryConfig.DEFAULT_REFRESH);
    Optional<TargetTemplate> template = template(m);
    if (regions.isEmpty() || engines.isEmpty() || template.isEmpty()) {
      return Optional.empty();
    }
    return m.build(() -> new DiscoveryConfig(regions, endpoint, endpoints, tags, engines, refresh, template.get()));
  }

  private static List<String> regions(MapNode m) {
    Optional<ConfigNode> node = m.get("regions");
    if (node.isEmpty()) {
      m.missing("regions", "a list of AWS regions to discover in, like [us-east-1]");
      return List.of();
    }
    List<ConfigNode> items = node.get().list().orElse(null);
    if (items == null) {
      return List.of();
    }
    if (items.isEmpty()) {
      node.get().problem("empty list; expected at least one AWS region like us-east-1");
    }
    List<String> regions = new ArrayList<>();
    for (ConfigNode item : items) {
      item.as(TargetsBinder::region).ifPresent(r -> {
        if (regions.contains(r)) {
          item.problem("region " + Values.quote(r) + " is listed twice; expected each region once (remove one)");
        } else {
          regions.add(r);
        }
      });
    }
    return regions.size() == items.size() ? regions : List.of();
  }

  private static Map<String, String> tags(Optional<MapNode> section) {
    Map<String, String> tags = new LinkedHashMap<>();
    section.ifPresent(m -> m.entries().forEach((key, value) -> {
      if (key.isEmpty() || key.length() > MAX_TAG_KEY) {
        value.problem("is not an AWS tag key; expected 1 to " + MAX_TAG_KEY + " characters");
        return;
      }
      if (value.isNull()) {
        value.problem("no value; expected the value the tag must have (write \"\" for a tag with an empty value)");
        return;
      }
      value.text().ifPresent(v -> {
        if (v.length() > MAX_TAG_VALUE) {
          value.problem("is too long for an AWS tag value; expected at most " + MAX_TAG_VALUE + " characters");
        } else {
          tags.put(key, v);
        }
      });
    }));
    return tags;
  }

  private static List<String> engines(MapNode m) {
    Optional<ConfigNode> node = m.get("engines");
    if (node.isEmpty()) {
      return DiscoveryConfig.ENGINES;
    }
    List<ConfigNode> items = node.get().list().orElse(null);
    if (items == null) {
      return List.of();
    }
    if (items.isEmpty()) {
      node.get().problem("empty list; expected some of " + String.join(", ", DiscoveryConfig.ENGINES)
          + " (or leave engines out for both)");
      return List.of();
    }
    List<String> engines = new ArrayList<>();
    for (ConfigNode item : items) {
      item.as(DiscoveryBinder::engine).filter(e -> !engines.contains(e)).ifPresent(engines::add);
    }
    return engines;
  }

  private static String engine(String text) {
    String e = text.strip();
    if (!DiscoveryConfig.ENGINES.contains(e)) {
      throw new IllegalArgumentException(Values.quote(text) + " is not a PostgreSQL engine of RDS; expected "
          + String.join(" or ", DiscoveryConfig.ENGINES) + " (Earlybird reads pg_stat_statements)"
          + Suggest.closest(e, DiscoveryConfig.ENGINES).map(s -> ", did you mean " + s + "?").orElse(""));
    }
    return e;
  }

  private static Optional<TargetTemplate> template(MapNode discovery) {
    if (discovery.get("template").isEmpty()) {
      discovery.missing("template", "how to connect to each instance found, like "
          + "{user: earlybird, iamAuth: true} or {user: earlybird, password: ${env:PW}}");
      return Optional.empty();
    }
    Optional<MapNode> section = discovery.map("template", TEMPLATE_KEYS);
    if (section.isEmpty()) {
      return Optional.empty();
    }
    MapNode t = section.get();
    String name = t.value("name", TargetTemplate::checkName, TargetTemplate.DEFAULT_NAME);
    String database = t.value("database", DiscoveryBinder::database, TargetTemplate.DEFAULT_DATABASE);
    Optional<String> user = t.required("user", DiscoveryBinder::user, "the database user Earlybird logs in as, "
        + "like earlybird");
    Secret password = t.<Secret>optional("password", Secret::new).orElse(null);
    boolean iamAuth = t.value("iamAuth", Values::bool, false);
    if (iamAuth && password != null) {
      t.get("password").orElseThrow().problem("not used with iamAuth: true; expected either a password or "
          + "iamAuth (remove password: a fresh IAM token replaces it on every connection)");
      return Optional.empty();
    }
    String params = t.value("params", DiscoveryBinder::params, "");
    DatabaseFilter databases =
        t.map("databases", TargetsBinder.FILTER_KEYS).map(TargetsBinder::filter).orElseGet(DatabaseFilter::defaults);
    return user.flatMap(u -> t.build(() -> new TargetTemplate(name, database, u, password, iamAuth, params, databases)));
  }

  private static String database(String text) {
    if (!DATABASE.matcher(text.strip()).matches()) {
      throw new IllegalArgumentException(Values.quote(text) + " is not a database name Earlybird can put in a URL; "
          + "expected a name without spaces, '/', '?', '#' or '&', like postgres");
    }
    return text.strip();
  }

  private static String user(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("empty user; expected the database user Earlybird logs in as, like earlybird");
    }
    return text.strip();
  }

  /** Never quotes the value: parameters such as {@code sslpassword} are secrets. */
  private static String params(String text) {
    String s = text.strip();
    String expected = "expected URL parameters like sslmode=verify-full&sslrootcert=/etc/earlybird/rds-ca.pem";
    if (s.startsWith("?")) {
      throw new IllegalArgumentException("starts with '?'; " + expected + " (without the '?')");
    }
    for (String part : s.split("&", -1)) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("is not key=value pairs joined by '&'; " + expected);
      }
      String key = part.substring(0, eq).strip();
      if (key.equalsIgnoreCase("password") || key.equalsIgnoreCase("user")) {
        throw new IllegalArgumentException("sets " + key + "; expected it as template." + key.toLowerCase()
            + " instead (URL parameters end up in places a password must not)");
      }
    }
    return s;
  }
}

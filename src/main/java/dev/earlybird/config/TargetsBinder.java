package dev.earlybird.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/** Binds {@code targets:}: names unique across the list, URLs, credentials, database filters, AWS links. */
final class TargetsBinder {
  static final List<String> TARGET_KEYS = List.of("name", "url", "user", "password", "databases", "aws", "vcpus",
      "advisor");
  static final List<String> ADVISOR_KEYS = List.of("enabled", "url");
  static final List<String> FILTER_KEYS = List.of("include", "exclude");
  static final List<String> AWS_KEYS = List.of("region", "dbiResourceId", "dbInstanceIdentifier", "endpoint",
      "dbClusterIdentifier", "endpoints", "iamAuth");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
  private static final Pattern DBI_RESOURCE_ID = Pattern.compile("db-[A-Za-z0-9]+");

  private TargetsBinder() {}

  static List<TargetConfig> bind(Optional<List<ConfigNode>> items) {
    List<TargetConfig> targets = new ArrayList<>();
    Map<String, ConfigNode> namesSeen = new HashMap<>();
    for (ConfigNode item : items.orElse(List.of())) {
      item.requiredMap(TARGET_KEYS, "a target with at least name and url")
          .flatMap(t -> target(t, namesSeen))
          .ifPresent(targets::add);
    }
    return targets;
  }

  private static Optional<TargetConfig> target(MapNode t, Map<String, ConfigNode> namesSeen) {
    Optional<String> name = t.required("name", Values.name("target name"), "a unique name like aurora-prod-1");
    boolean unique = name.map(n -> unique(n, t.get("name").orElseThrow(), namesSeen)).orElse(false);
    Optional<String> url = t.required("url", TargetsBinder::jdbcUrl, "a URL like jdbc:postgresql://host:5432/postgres");
    String user = t.<String>optional("user", s -> s).orElse(null);
    Secret password = t.<Secret>optional("password", Secret::new).orElse(null);
    DatabaseFilter databases =
        t.map("databases", FILTER_KEYS).map(TargetsBinder::filter).orElseGet(DatabaseFilter::defaults);
    Optional<AwsConfig> aws = t.map("aws", AWS_KEYS).flatMap(TargetsBinder::aws);
    OptionalDouble vcpus = t.optional("vcpus", Values.number(0))
        .map(OptionalDouble::of).orElseGet(OptionalDouble::empty);
    TargetAdvisor advisor = t.map("advisor", ADVISOR_KEYS).map(a -> new TargetAdvisor(
        a.value("enabled", Values::bool, true),
        a.optional("url", TargetsBinder::jdbcUrl))).orElse(TargetAdvisor.DEFAULT);
    if (name.isEmpty() || url.isEmpty() || !unique) {
      return Optional.empty();
    }
    return t.build(() -> new TargetConfig(name.get(), url.get(), user, password, databases, aws, vcpus, advisor));
  }

  private static boolean unique(String name, ConfigNode at, Map<String, ConfigNode> namesSeen) {
    ConfigNode first = namesSeen.putIfAbsent(name, at);
    if (first == null) {
      return true;
    }
    at.problem("duplicate target name " + Values.quote(name) + ", first used by " + first.path() + " at "
        + at.context().problems().location(first.line()) + "; expected unique names (they appear in metric "
        + "labels and URLs; rename one)");
    return false;
  }

  /** Never quotes the URL: a pgjdbc URL may carry {@code password=}. */
  static String jdbcUrl(String text) {
    String s = text.strip();
    if (s.startsWith(TargetConfig.URL_PREFIX) && s.length() > TargetConfig.URL_PREFIX.length()) {
      return s;
    }
    String hint = s.startsWith("postgres://") || s.startsWith("postgresql://")
        ? " (this is a libpq URL: prefix it with jdbc: and give user and password as keys)"
        : "";
    throw new IllegalArgumentException(
        "not a PostgreSQL JDBC URL; expected a URL like jdbc:postgresql://host:5432/postgres" + hint);
  }

  static DatabaseFilter filter(MapNode m) {
    return new DatabaseFilter(
        patterns(m, "include", DatabaseFilter.DEFAULT_INCLUDE), patterns(m, "exclude", DatabaseFilter.DEFAULT_EXCLUDE));
  }

  private static List<Pattern> patterns(MapNode m, String key, List<String> defaults) {
    Optional<ConfigNode> node = m.get(key);
    if (node.isEmpty()) {
      return defaults.stream().map(Pattern::compile).toList();
    }
    List<ConfigNode> items = node.get().list().orElse(null);
    if (items == null) {
      return List.of();
    }
    if (items.isEmpty() && key.equals("include")) {
      // An empty include list would silently watch nothing.
      node.get().problem("empty list; expected at least one pattern (use \".*\" for every database)");
    }
    List<Pattern> patterns = new ArrayList<>();
    for (ConfigNode item : items) {
      item.as(Values::regex).ifPresent(patterns::add);
    }
    return patterns;
  }

  private static Optional<AwsConfig> aws(MapNode m) {
    Optional<String> region = m.required("region", TargetsBinder::region, "an AWS region like us-east-1");
    Optional<String> dbi = m.optional("dbiResourceId", TargetsBinder::dbiResourceId);
    Optional<String> instance = m.optional("dbInstanceIdentifier", String::strip);
    Optional<URI> endpoint = m.optional("endpoint", Values::httpUrl);
    Optional<String> cluster = m.optional("dbClusterIdentifier", String::strip);
    Map<AwsService, URI> endpoints = AwsBinder.endpoints(m.map("endpoints", AwsBinder.SERVICE_KEYS));
    boolean iamAuth = m.value("iamAuth", Values::bool, false);
    return region.flatMap(r -> m.build(() -> new AwsConfig(r, dbi, instance, endpoint, cluster, endpoints, iamAuth)));
  }

  static String region(String text) {
    if (!REGION.matcher(text.strip()).matches()) {
      throw new IllegalArgumentException(Values.quote(text) + " is not an AWS region; expected a region code like "
          + "us-east-1 or eu-west-2 (not an availability zone like us-east-1a)");
    }
    return text.strip();
  }

  private static String dbiResourceId(String text) {
    if (!DBI_RESOURCE_ID.matcher(text.strip()).matches()) {
      throw new IllegalArgumentException(Values.quote(text) + " is not a DbiResourceId; expected db- and letters "
          + "or digits like db-ABCDEFGHIJKLMNOPQRSTUVWXY (RDS console: Configuration, Resource ID; the instance "
          + "name belongs in dbInstanceIdentifier)");
    }
    return text.strip();
  }
}

package dev.earlybird.config;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The optional {@code discovery:} section: which RDS and Aurora PostgreSQL instances become targets, and how to
 * connect to them.
 *
 * @param regions where to call {@code rds:DescribeDBInstances}, in this order (a name found in two regions is
 *     kept from the first)
 * @param endpoint overrides every AWS service's endpoint, for discovery and for the discovered targets' links
 *     (a local test server, a proxy)
 * @param endpoints per-service overrides (VPC interface endpoints); win over {@code endpoint}
 * @param tags every one must be on the instance or, for an Aurora instance, on its cluster (the instance's own
 *     value wins when both have the key)
 * @param engines RDS engine names to take
 * @param refresh how often the fleet is listed again
 */
public record DiscoveryConfig(
    List<String> regions,
    Optional<URI> endpoint,
    Map<AwsService, URI> endpoints,
    Map<String, String> tags,
    List<String> engines,
    Duration refresh,
    TargetTemplate template) {
  /** Earlybird reads pg_stat_statements, so only PostgreSQL engines make sense. */
  public static final List<String> ENGINES = List.of("postgres", "aurora-postgresql");
  public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(5);

  public DiscoveryConfig {
    regions = List.copyOf(regions);
    if (regions.isEmpty()) {
      throw new IllegalArgumentException("discovery.regions must name at least one region");
    }
    Objects.requireNonNull(endpoint, "endpoint");
    endpoints = endpoints.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(endpoints));
    // Insertion order kept for messages; equality is by content either way.
    tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    engines = List.copyOf(engines);
    if (engines.isEmpty() || !ENGINES.containsAll(engines)) {
      throw new IllegalArgumentException("discovery.engines must be some of " + ENGINES);
    }
    Checks.positive(refresh, "discovery.refresh");
    Objects.requireNonNull(template, "template");
  }

  /** Where to send calls to {@code service}: its own override, else the common one, else the SDK's default. */
  public Optional<URI> endpointFor(AwsService service) {
    return Optional.ofNullable(endpoints.get(service)).or(() -> endpoint);
  }

  /**
   * The AWS link of a discovered instance: its ids, this section's endpoints, the template's IAM auth;
   * {@code dbiResourceId} null when Performance Insights is off on it (PI is not read then).
   */
  public AwsConfig link(String region, String dbiResourceId, String identifier, Optional<String> cluster) {
    return new AwsConfig(region, Optional.ofNullable(dbiResourceId), Optional.of(identifier), endpoint, cluster,
        endpoints, template.iamAuth());
  }

  @Override
  public String toString() {
    return "DiscoveryConfig[regions=" + regions + ", endpoint=" + endpoint.map(u -> Redact.url(u, true))
        + ", endpoints=" + endpoints.keySet() + ", tags=" + tags + ", engines=" + engines + ", refresh="
        + Durations.format(refresh) + ", template=" + template + "]";
  }
}

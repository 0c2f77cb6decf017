package dev.earlybird.config;

import java.net.URI;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Links a target to AWS.
 *
 * @param dbiResourceId the instance's {@code DbiResourceId} ({@code db-...}), the key of Performance Insights
 * @param dbInstanceIdentifier the instance name, the {@code DBInstanceIdentifier} dimension of CloudWatch
 * @param endpoint override of every AWS service's endpoint (a local test server, a proxy)
 * @param dbClusterIdentifier the Aurora cluster; CloudWatch's cluster metrics are read for it too
 * @param endpoints per-service overrides (VPC interface endpoints); win over {@code endpoint}
 * @param iamAuth connect with an RDS IAM auth token (a fresh one per new connection) instead of a password
 */
public record AwsConfig(
    String region,
    Optional<String> dbiResourceId,
    Optional<String> dbInstanceIdentifier,
    Optional<URI> endpoint,
    Optional<String> dbClusterIdentifier,
    Map<AwsService, URI> endpoints,
    boolean iamAuth) {
  public AwsConfig {
    Objects.requireNonNull(region, "region");
    if (region.isBlank()) {
      throw new IllegalArgumentException("aws.region must not be blank");
    }
    Objects.requireNonNull(dbiResourceId, "dbiResourceId");
    Objects.requireNonNull(dbInstanceIdentifier, "dbInstanceIdentifier");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(dbClusterIdentifier, "dbClusterIdentifier");
    endpoints = endpoints.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(endpoints));
  }

  /** A link without cluster, per-service endpoints or IAM auth. */
  public AwsConfig(
      String region, Optional<String> dbiResourceId, Optional<String> dbInstanceIdentifier, Optional<URI> endpoint) {
    this(region, dbiResourceId, dbInstanceIdentifier, endpoint, Optional.empty(), Map.of(), false);
  }

  /** Where to send calls to {@code service}: its own override, else the common one, else the SDK's default. */
  public Optional<URI> endpointFor(AwsService service) {
    return Optional.ofNullable(endpoints.get(service)).or(() -> endpoint);
  }

  @Override
  public String toString() {
    return "AwsConfig[region=" + region + ", dbiResourceId=" + dbiResourceId + ", dbInstanceIdentifier="
        + dbInstanceIdentifier + ", dbClusterIdentifier=" + dbClusterIdentifier + ", endpoint="
        + endpoint.map(u -> Redact.url(u, true)) + ", endpoints=" + endpoints.keySet() + ", iamAuth=" + iamAuth + "]";
  }
}

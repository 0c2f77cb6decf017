package dev.earlybird.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Links a target to AWS.
 *
 * @param dbiResourceId the instance's {@code DbiResourceId} ({@code db-...}), the key of Performance Insights
 * @param dbInstanceIdentifier the instance name, the {@code DBInstanceIdentifier} dimension of CloudWatch
 * @param endpoint override of the AWS endpoint (VPC endpoints, local test servers)
 */
public record AwsConfig(
    String region, Optional<String> dbiResourceId, Optional<String> dbInstanceIdentifier, Optional<URI> endpoint) {
  public AwsConfig {
    Objects.requireNonNull(region, "region");
    if (region.isBlank()) {
      throw new IllegalArgumentException("aws.region must not be blank");
    }
    Objects.requireNonNull(dbiResourceId, "dbiResourceId");
    Objects.requireNonNull(dbInstanceIdentifier, "dbInstanceIdentifier");
    Objects.requireNonNull(endpoint, "endpoint");
  }

  @Override
  public String toString() {
    return "AwsConfig[region=" + region + ", dbiResourceId=" + dbiResourceId + ", dbInstanceIdentifier="
        + dbInstanceIdentifier + ", endpoint=" + endpoint.map(u -> Redact.url(u, true)) + "]";
  }
}

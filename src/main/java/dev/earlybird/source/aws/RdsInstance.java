package dev.earlybird.source.aws;

import java.util.Objects;
import java.util.Optional;

/**
 * One RDS or Aurora PostgreSQL instance that discovery found, reachable at {@code host:port}.
 *
 * @param identifier {@code DBInstanceIdentifier}: the CloudWatch dimension, and the default target name
 * @param dbiResourceId {@code DbiResourceId} ({@code db-...}): Performance Insights' key and IAM auth's resource
 * @param cluster {@code DBClusterIdentifier} of an Aurora instance
 * @param status {@code DBInstanceStatus}, e.g. available, modifying, backing-up
 * @param performanceInsights {@code PerformanceInsightsEnabled}: only then is PI read for the target (calling PI for
 *     an instance without it fails every window)
 * @param instanceClass {@code DBInstanceClass}, e.g. {@code db.r6g.2xlarge}: the forecast's capacity
 *     ({@link InstanceClasses})
 */
public record RdsInstance(
    String identifier,
    String dbiResourceId,
    String host,
    int port,
    Optional<String> cluster,
    String region,
    String engine,
    String status,
    boolean performanceInsights,
    Optional<String> instanceClass) {
  /** An instance whose class is not known. */
  public RdsInstance(String identifier, String dbiResourceId, String host, int port, Optional<String> cluster,
      String region, String engine, String status, boolean performanceInsights) {
    this(identifier, dbiResourceId, host, port, cluster, region, engine, status, performanceInsights, Optional.empty());
  }

  /** An instance with Performance Insights enabled. */
  public RdsInstance(String identifier, String dbiResourceId, String host, int port, Optional<String> cluster,
      String region, String engine, String status) {
    this(identifier, dbiResourceId, host, port, cluster, region, engine, status, true);
  }

  public RdsInstance {
    Objects.requireNonNull(identifier, "identifier");
    Objects.requireNonNull(dbiResourceId, "dbiResourceId");
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("instance " + identifier + ": port " + port + " out of range");
    }
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(instanceClass, "instanceClass");
  }
}

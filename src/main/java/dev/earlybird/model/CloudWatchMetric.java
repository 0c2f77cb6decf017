package dev.earlybird.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * The {@code AWS/RDS} CloudWatch metrics Earlybird reads, with the unit CloudWatch publishes them in. All are
 * read with the {@code Average} statistic.
 */
public enum CloudWatchMetric {
  /** Percent, 0..100. */
  CPU_UTILIZATION("CPUUtilization", true),
  /**
   * Average active sessions, published by Performance Insights, and only while there is load: a gap means idle
   * (no data), not 0. Published per instance only.
   */
  DB_LOAD("DBLoad", false),
  /** Average active sessions waiting on CPU. */
  DB_LOAD_CPU("DBLoadCPU", false),
  /** Average active sessions waiting on anything else. */
  DB_LOAD_NON_CPU("DBLoadNonCPU", false),
  /** Bytes. */
  FREEABLE_MEMORY("FreeableMemory", true),
  /** Count per second. */
  READ_IOPS("ReadIOPS", true),
  /** Count per second. */
  WRITE_IOPS("WriteIOPS", true),
  /** Count. */
  DATABASE_CONNECTIONS("DatabaseConnections", true);

  private final String awsName;
  private final boolean perCluster;

  CloudWatchMetric(String awsName, boolean perCluster) {
    this.awsName = awsName;
    this.perCluster = perCluster;
  }

  /** The CloudWatch {@code MetricName}; also how the store names it. */
  public String awsName() {
    return awsName;
  }

  /** Whether CloudWatch also has it under {@code DBClusterIdentifier} (instance metrics aggregated per cluster). */
  public boolean perCluster() {
    return perCluster;
  }

  public boolean existsFor(CloudWatchScope scope) {
    return scope == CloudWatchScope.INSTANCE || perCluster;
  }

  public static Optional<CloudWatchMetric> ofAwsName(String name) {
    return Arrays.stream(values()).filter(m -> m.awsName.equals(name)).findFirst();
  }
}

package dev.earlybird.source.aws;

import dev.earlybird.config.AwsService;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.source.SourceException;
import dev.earlybird.source.postgres.CheckResult;
import dev.earlybird.source.postgres.CheckResult.Status;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.pi.PiClient;
import software.amazon.awssdk.services.pi.model.DescribeDimensionKeysResponse;
import software.amazon.awssdk.services.pi.model.FeatureMetadata;
import software.amazon.awssdk.services.pi.model.GetResourceMetadataResponse;

/**
 * {@code check} for a target's Performance Insights: enabled and reachable ({@code GetResourceMetadata}), SQL
 * digest statistics on (PI's per-statement calls and latency), and top digests readable (a small
 * {@code DescribeDimensionKeys} over the last five minutes). Each failure says what to do.
 */
public final class PiCheck {
  static final String NAME = "performance insights";
  private static final String DIGEST_STATS = "SQL_DIGEST_STATISTICS";

  private final AwsClients aws;
  private final InstantSource clock;

  public PiCheck(AwsClients aws, InstantSource clock) {
    this.aws = aws;
    this.clock = clock;
  }

  /** No results for a target without {@code aws.dbiResourceId}. */
  public List<CheckResult> run(TargetConfig target) {
    if (target.aws().flatMap(a -> a.dbiResourceId()).isEmpty()) {
      return List.of();
    }
    var link = target.aws().get();
    String resource = link.dbiResourceId().get();
    PiClient pi = aws.pi(link);
    RateLimiter limiter = aws.limiter(AwsService.PI, link.region());
    String context = "target " + target.name() + ": Performance Insights";
    GetResourceMetadataResponse meta;
    try {
      limiter.acquire();
      meta = pi.getResourceMetadata(b -> b.serviceType("RDS").identifier(resource));
    } catch (SdkException e) {
      return List.of(failure(AwsFailure.of(context, "pi:GetResourceMetadata", e), resource, link.region()));
    }
    FeatureMetadata digests = meta.features() == null ? null : meta.features().get(DIGEST_STATS);
    String digestStatus = digests == null ? "UNKNOWN" : digests.statusAsString();
    CheckResult digestResult = "ENABLED".equals(digestStatus)
        ? new CheckResult(NAME + " SQL statistics", Status.PASS, "enabled", "")
        : new CheckResult(NAME + " SQL statistics", Status.WARN, DIGEST_STATS + " is " + digestStatus
            + ": PI has no per-statement calls or latency for " + resource,
            "Make sure pg_stat_statements is in shared_preload_libraries of the instance's parameter group "
                + "(the default on RDS PostgreSQL 11+ and Aurora PostgreSQL 10+) and reboot if a change is pending.");
    Instant end = PiSource.alignDown(clock.instant(), 60);
    DescribeDimensionKeysResponse top;
    try {
      limiter.acquire();
      top = pi.describeDimensionKeys(b -> b.serviceType("RDS").identifier(resource)
          .startTime(end.minus(Duration.ofMinutes(5))).endTime(end).periodInSeconds(60).metric(PiSource.LOAD)
          .groupBy(g -> g.group(PiSource.SQL_GROUP).dimensions(PiSource.SQL_ID, PiSource.SQL_DB_ID).limit(5))
          .maxResults(5));
    } catch (SdkException e) {
      return List.of(digestResult, failure(AwsFailure.of(context, "pi:DescribeDimensionKeys", e), resource,
          link.region()));
    }
    return List.of(
        new CheckResult(NAME, Status.PASS, "enabled for " + resource + " in " + link.region() + "; "
            + top.keys().size() + " top statement(s) in the last 5 minutes", ""),
        digestResult);
  }

  private static CheckResult failure(SourceException e, String resource, String region) {
    String fix = switch (e.reason()) {
      case PERMISSION -> "Allow the agent's IAM role pi:DescribeDimensionKeys, pi:GetResourceMetrics and "
          + "pi:GetResourceMetadata on arn:aws:pi:" + region + ":<account>:metrics/rds/" + resource + ".";
      case NOT_ENABLED, BAD_VALUE -> "Enable Performance Insights on the instance (aws rds modify-db-instance "
          + "--enable-performance-insights), and check that aws.dbiResourceId is the instance's DbiResourceId "
          + "(db-..., from aws rds describe-db-instances), not its name.";
      case THROTTLED -> "PI throttled the check; run it again, or lower aws.requestsPerSecond.pi.";
      case DNS, CONNECT, TIMEOUT -> "Check network access to the PI endpoint of " + region
          + " (aws.endpoint or aws.endpoints.pi for VPC endpoints).";
      default -> "See the message; check the region, aws.dbiResourceId and the agent's credentials.";
    };
    return new CheckResult(NAME, Status.FAIL, e.getMessage(), fix);
  }
}

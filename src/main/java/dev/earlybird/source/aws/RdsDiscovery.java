package dev.earlybird.source.aws;

import dev.earlybird.config.AwsService;
import dev.earlybird.config.DiscoveryConfig;
import dev.earlybird.source.SourceException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Lists the PostgreSQL instances of one region that match {@code discovery:}: {@code DescribeDBInstances}
 * filtered by engine on the server, every page, then by tags, on the instance or its Aurora cluster (read with
 * {@code DescribeDBClusters}, only when tags are asked for). Each page is one call, and each call first takes a
 * token from the region's shared RDS rate limiter. Instances without an endpoint yet (being created) and those
 * stopped or going away are left out: polling them could only fail.
 */
public final class RdsDiscovery {
  private static final Logger log = LoggerFactory.getLogger(RdsDiscovery.class);
  public static final String DESCRIBE_INSTANCES = "rds:DescribeDBInstances";
  public static final String DESCRIBE_CLUSTERS = "rds:DescribeDBClusters";
  /** Statuses of instances that are off on purpose or about to vanish: not "down", so not targets. */
  static final Set<String> NOT_RUNNING = Set.of("stopped", "stopping", "deleting", "deleted", "creating");

  private final AwsClients clients;
  private final DiscoveryConfig config;

  public RdsDiscovery(AwsClients clients, DiscoveryConfig config) {
    this.clients = clients;
    this.config = config;
  }

  public DiscoveryConfig config() {
    return config;
  }

  /**
   * The matching instances of {@code region}, sorted by identifier.
   *
   * @param throttled counts throttled attempts, also those the SDK retried successfully and those of a scan
   *     that failed
   * @throws SourceException with reason THROTTLED, PERMISSION (naming the IAM action), CONNECT, DNS, TIMEOUT, ...
   */
  public List<RdsInstance> scan(String region, ThrottleCount throttled) throws SourceException {
    RdsClient rds = clients.rds(region, config.endpointFor(AwsService.RDS), config.endpointFor(AwsService.STS));
    RateLimiter limiter = clients.limiter(AwsService.RDS, region);
    Filter engines = Filter.builder().name("engine").values(config.engines()).build();
    String context = "discovery in " + region;

    List<DBInstance> found = new ArrayList<>();
    try {
      var pages = rds.describeDBInstancesPaginator(r -> r.filters(engines).overrideConfiguration(throttled::attach));
      eachPage(pages.iterator(), limiter, (DescribeDbInstancesResponse page) -> found.addAll(page.dbInstances()));
    } catch (SdkException e) {
      throw AwsFailure.of(context, DESCRIBE_INSTANCES, e);
    }

    Map<String, Map<String, String>> clusterTags = Map.of();
    boolean needClusterTags = !config.tags().isEmpty()
        && found.stream().anyMatch(i -> i.dbClusterIdentifier() != null && !matches(tags(i.tagList())));
    if (needClusterTags) {
      Map<String, Map<String, String>> byCluster = new HashMap<>();
      try {
        var pages = rds.describeDBClustersPaginator(r -> r.filters(engines).overrideConfiguration(throttled::attach));
        eachPage(pages.iterator(), limiter, (DescribeDbClustersResponse page) -> {
          for (DBCluster c : page.dbClusters()) {
            byCluster.put(c.dbClusterIdentifier(), tags(c.tagList()));
          }
        });
      } catch (SdkException e) {
        throw AwsFailure.of(context, DESCRIBE_CLUSTERS, e);
      }
      clusterTags = byCluster;
    }

    List<RdsInstance> instances = new ArrayList<>();
    for (DBInstance i : found) {
      toInstance(i, region, clusterTags).ifPresent(instances::add);
    }
    instances.sort(java.util.Comparator.comparing(RdsInstance::identifier));
    return List.copyOf(instances);
  }

  /** Takes a rate-limiter token before each page: the iterator makes its call in {@code next()}. */
  private static <T> void eachPage(Iterator<T> pages, RateLimiter limiter, Consumer<T> each) {
    while (pages.hasNext()) {
      limiter.acquire();
      each.accept(pages.next());
    }
  }

  private Optional<RdsInstance> toInstance(DBInstance i, String region, Map<String, Map<String, String>> clusterTags) {
    String id = i.dbInstanceIdentifier();
    if (!config.engines().contains(i.engine())) {
      return Optional.empty(); // the server filters too; this keeps a lax endpoint (a proxy, a fake) honest
    }
    if (i.endpoint() == null || i.endpoint().address() == null || i.endpoint().port() == null) {
      log.debug("discovery in {}: {} has no endpoint yet (status {}), left out", region, id, i.dbInstanceStatus());
      return Optional.empty();
    }
    if (NOT_RUNNING.contains(i.dbInstanceStatus())) {
      log.debug("discovery in {}: {} is {}, left out", region, id, i.dbInstanceStatus());
      return Optional.empty();
    }
    if (i.dbiResourceId() == null) {
      log.debug("discovery in {}: {} has no DbiResourceId, left out", region, id);
      return Optional.empty();
    }
    Optional<String> cluster = Optional.ofNullable(i.dbClusterIdentifier());
    Map<String, String> tags = new HashMap<>(cluster.map(c -> clusterTags.getOrDefault(c, Map.of())).orElse(Map.of()));
    tags.putAll(tags(i.tagList())); // the instance's own value wins over its cluster's
    if (!matches(tags)) {
      return Optional.empty();
    }
    return Optional.of(new RdsInstance(id, i.dbiResourceId(), i.endpoint().address(), i.endpoint().port(), cluster,
        region, i.engine(), String.valueOf(i.dbInstanceStatus()), Boolean.TRUE.equals(i.performanceInsightsEnabled()),
        Optional.ofNullable(i.dbInstanceClass())));
  }

  private boolean matches(Map<String, String> tags) {
    return config.tags().entrySet().stream().allMatch(t -> t.getValue().equals(tags.get(t.getKey())));
  }

  private static Map<String, String> tags(List<Tag> list) {
    Map<String, String> tags = new HashMap<>();
    for (Tag t : list) {
      if (t.key() != null) {
        tags.put(t.key(), t.value() == null ? "" : t.value());
      }
    }
    return tags;
  }
}

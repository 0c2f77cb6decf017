package dev.earlybird.source.aws;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.AwsService;
import dev.earlybird.config.PollConfig;
import dev.earlybird.config.QueryTextMode;
import dev.earlybird.model.Period;
import dev.earlybird.model.PiStatementLoad;
import dev.earlybird.model.PiWindow;
import dev.earlybird.model.PiWindow.PiDatabaseLoad;
import dev.earlybird.model.PiWindow.PiPoint;
import dev.earlybird.source.SourceException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.pi.PiClient;
import software.amazon.awssdk.services.pi.model.DescribeDimensionKeysRequest;
import software.amazon.awssdk.services.pi.model.DescribeDimensionKeysResponse;
import software.amazon.awssdk.services.pi.model.DimensionKeyDescription;
import software.amazon.awssdk.services.pi.model.GetResourceMetricsRequest;
import software.amazon.awssdk.services.pi.model.GetResourceMetricsResponse;
import software.amazon.awssdk.services.pi.model.MetricKeyDataPoints;
import software.amazon.awssdk.services.pi.model.MetricQuery;
import software.amazon.awssdk.services.pi.model.ResponsePartitionKey;

/**
 * Reads one target's Performance Insights window: three calls per window, whatever its length.
 *
 * <ol>
 *   <li>{@code DescribeDimensionKeys} grouped by {@code db.sql_tokenized} (id, db_id, statement), partitioned by
 *       {@code db.wait_event_type}: each digest's load and how much of it was on CPU, plus calls, latency and rows
 *       per call as additional metrics;
 *   <li>the same grouped by {@code db.name}: load per database;
 *   <li>{@code GetResourceMetrics} of {@code db.load.avg} grouped by {@code db.wait_event_type}: the timeline.
 * </ol>
 *
 * Every call follows {@code NextToken}. Windows must be aligned to the PI period by the caller: PI widens an
 * unaligned range to the period, and two widened windows would count the same load twice.
 */
public final class PiSource {
  static final String LOAD = "db.load.avg";
  static final String WAIT_TYPE_GROUP = "db.wait_event_type";
  static final String WAIT_TYPE = "db.wait_event_type.name";
  static final String SQL_GROUP = "db.sql_tokenized";
  static final String SQL_ID = "db.sql_tokenized.id";
  static final String SQL_DB_ID = "db.sql_tokenized.db_id";
  static final String SQL_TEXT = "db.sql_tokenized.statement";
  static final String DB_GROUP = "db";
  static final String DB_NAME = "db.name";
  static final String CALLS_PER_SEC = "db.sql_tokenized.stats.calls_per_sec.avg";
  static final String LATENCY = "db.sql_tokenized.stats.avg_latency_per_call.avg";
  static final String ROWS_PER_CALL = "db.sql_tokenized.stats.rows_per_call.avg";
  /** PostgreSQL has about ten wait event types; PI's partition limit is 25. */
  private static final int WAIT_TYPES = 15;
  private static final int MAX_PAGES = 20;

  private final Function<AwsConfig, PiClient> clients;
  private final Function<String, RateLimiter> limiterByRegion;
  private final QueryTextMode queryText;

  /**
   * @param clients the PI client for a target's AWS link ({@code AwsClients::pi})
   * @param limiterByRegion the shared PI rate limiter of a region
   * @param queryText {@code poll.queryText}, applied to the digest texts
   */
  public PiSource(Function<AwsConfig, PiClient> clients, Function<String, RateLimiter> limiterByRegion,
      QueryTextMode queryText) {
    this.clients = clients;
    this.limiterByRegion = limiterByRegion;
    this.queryText = queryText;
  }

  public PiSource(Function<AwsConfig, PiClient> clients, Function<String, RateLimiter> limiterByRegion) {
    this(clients, limiterByRegion, PollConfig.DEFAULT_QUERY_TEXT);
  }

  public static PiSource of(AwsClients aws) {
    return of(aws, PollConfig.DEFAULT_QUERY_TEXT);
  }

  public static PiSource of(AwsClients aws, QueryTextMode queryText) {
    return new PiSource(aws::pi, region -> aws.limiter(AwsService.PI, region), queryText);
  }

  /**
   * PI tokenizes its digests, but every text from outside is treated as hostile. Withheld is empty rather than
   * {@link QueryTextMode#WITHHELD}: a digest is joined to pg_stat_statements by text, and equal placeholders would
   * join everything to everything.
   */
  private String digestText(String statement) {
    return queryText == QueryTextMode.NONE ? "" : queryText.apply(statement);
  }

  /**
   * Reads {@code [period.from, period.to)} (aligned to {@code periodSeconds}).
   *
   * @param top how many digests to ask for (1..25)
   * @param throttles receives the throttled attempts, which the SDK retried
   */
  public PiWindow read(String target, AwsConfig link, Period period, int periodSeconds, int top,
      ThrottleCount throttles) throws SourceException {
    String resource = link.dbiResourceId().orElseThrow(() -> new IllegalArgumentException(
        "target " + target + " has no aws.dbiResourceId"));
    String context = "target " + target + ": Performance Insights";
    PiClient pi = clients.apply(link);
    RateLimiter limiter = limiterByRegion.apply(link.region());
    String action = "pi:DescribeDimensionKeys";
    try {
      Keys sql = keys(pi, limiter, throttles, b -> b.serviceType("RDS").identifier(resource)
          .startTime(period.from()).endTime(period.to()).periodInSeconds(periodSeconds).metric(LOAD)
          .groupBy(g -> g.group(SQL_GROUP).dimensions(SQL_ID, SQL_DB_ID, SQL_TEXT).limit(top))
          .partitionBy(p -> p.group(WAIT_TYPE_GROUP).dimensions(WAIT_TYPE).limit(WAIT_TYPES))
          .additionalMetrics(CALLS_PER_SEC, LATENCY, ROWS_PER_CALL));
      Keys db = keys(pi, limiter, throttles, b -> b.serviceType("RDS").identifier(resource)
          .startTime(period.from()).endTime(period.to()).periodInSeconds(periodSeconds).metric(LOAD)
          .groupBy(g -> g.group(DB_GROUP).dimensions(DB_NAME).limit(25))
          .partitionBy(p -> p.group(WAIT_TYPE_GROUP).dimensions(WAIT_TYPE).limit(WAIT_TYPES)));
      action = "pi:GetResourceMetrics";
      List<PiPoint> timeline = timeline(pi, limiter, throttles, resource, period, periodSeconds);
      double seconds = Duration.between(period.from(), period.to()).toMillis() / 1000.0;
      List<PiStatementLoad> statements = new ArrayList<>();
      for (Key k : sql.keys()) {
        Map<String, String> d = k.key().dimensions();
        String id = d.get(SQL_ID);
        if (id == null) {
          continue; // not a digest row; nothing to join it by
        }
        Map<String, Double> extra = k.key().additionalMetrics();
        statements.add(new PiStatementLoad(id, d.get(SQL_DB_ID), digestText(d.get(SQL_TEXT)),
            ms(k.key().total(), seconds),
            waits(k, seconds), metric(extra, CALLS_PER_SEC), metric(extra, LATENCY), metric(extra, ROWS_PER_CALL)));
      }
      List<PiDatabaseLoad> databases = new ArrayList<>();
      for (Key k : db.keys()) {
        String name = k.key().dimensions().get(DB_NAME);
        if (name != null) {
          databases.add(new PiDatabaseLoad(name, ms(k.key().total(), seconds), waits(k, seconds)));
        }
      }
      boolean complete = sql.keys().size() < top && !sql.truncated();
      return new PiWindow(target, period, complete, statements, databases, timeline);
    } catch (SdkException e) {
      throw AwsFailure.of(context, action, e);
    }
  }

  /** A key of a DescribeDimensionKeys answer with the wait types of its page's partition keys. */
  private record Key(DimensionKeyDescription key, List<String> partitionNames) {}

  private record Keys(List<Key> keys, boolean truncated) {}

  private static Keys keys(PiClient pi, RateLimiter limiter, ThrottleCount throttles,
      java.util.function.Consumer<DescribeDimensionKeysRequest.Builder> request) {
    List<Key> out = new ArrayList<>();
    String token = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      limiter.acquire();
      String next = token;
      DescribeDimensionKeysResponse r = pi.describeDimensionKeys(b -> {
        request.accept(b);
        b.maxResults(25).nextToken(next).overrideConfiguration(throttles::attach);
      });
      List<String> names = r.partitionKeys().stream().map(PiSource::waitName).toList();
      r.keys().forEach(k -> out.add(new Key(k, names)));
      token = r.nextToken();
      if (token == null || token.isEmpty()) {
        return new Keys(out, false);
      }
    }
    return new Keys(out, true);
  }

  private static String waitName(ResponsePartitionKey p) {
    return p.dimensions().getOrDefault(WAIT_TYPE, "");
  }

  private static Map<String, Double> waits(Key k, double seconds) {
    Map<String, Double> out = new HashMap<>();
    List<Double> values = k.key().partitions();
    for (int i = 0; i < values.size() && i < k.partitionNames().size(); i++) {
      String name = k.partitionNames().get(i);
      Double v = values.get(i);
      if (!name.isEmpty() && v != null && v > 0) {
        out.merge(name, ms(v, seconds), Double::sum);
      }
    }
    return out;
  }

  private List<PiPoint> timeline(PiClient pi, RateLimiter limiter, ThrottleCount throttles, String resource,
      Period period, int periodSeconds) {
    List<PiPoint> out = new ArrayList<>();
    String token = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      limiter.acquire();
      GetResourceMetricsRequest.Builder b = GetResourceMetricsRequest.builder().serviceType("RDS")
          .identifier(resource).startTime(period.from()).endTime(period.to()).periodInSeconds(periodSeconds)
          .metricQueries(MetricQuery.builder().metric(LOAD)
              .groupBy(g -> g.group(WAIT_TYPE_GROUP).dimensions(WAIT_TYPE).limit(WAIT_TYPES)).build())
          .nextToken(token)
          .overrideConfiguration(throttles::attach);
      GetResourceMetricsResponse r = pi.getResourceMetrics(b.build());
      for (MetricKeyDataPoints series : r.metricList()) {
        // With GroupBy, one series has no dimensions: the total over all wait types.
        String type = series.key().hasDimensions() ? series.key().dimensions().get(WAIT_TYPE) : "";
        if (type == null) {
          continue;
        }
        series.dataPoints().stream()
            .filter(p -> p.timestamp() != null && p.value() != null && p.value() >= 0)
            .forEach(p -> out.add(new PiPoint(p.timestamp(), type, p.value())));
      }
      token = r.nextToken();
      if (token == null || token.isEmpty()) {
        break;
      }
    }
    return out;
  }

  /** Average active sessions over the window, as session time: AAS x seconds x 1000. Never negative. */
  private static double ms(Double averageActiveSessions, double seconds) {
    return averageActiveSessions == null || averageActiveSessions < 0 ? 0 : averageActiveSessions * seconds * 1000;
  }

  private static OptionalDouble metric(Map<String, Double> extra, String name) {
    Double v = extra == null ? null : extra.get(name);
    return v == null || v.isNaN() || v < 0 ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** The window [from, to) aligned down to whole periods. */
  public static Instant alignDown(Instant t, int periodSeconds) {
    long s = t.getEpochSecond();
    return Instant.ofEpochSecond(s - Math.floorMod(s, periodSeconds));
  }
}

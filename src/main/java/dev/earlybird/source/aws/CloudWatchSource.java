package dev.earlybird.source.aws;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.AwsService;
import dev.earlybird.model.CloudWatchMetric;
import dev.earlybird.model.CloudWatchSample;
import dev.earlybird.model.CloudWatchScope;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * Reads the {@code AWS/RDS} metrics of many targets with batched {@code GetMetricData} calls (see {@link
 * CloudWatchBatches}): each call waits for the region's shared rate limiter, follows {@code NextToken} until the
 * window is complete, and counts its throttled attempts. Datapoints CloudWatch does not return are simply
 * absent from the result: no data is never turned into 0.
 */
public final class CloudWatchSource {
  private static final Logger log = LoggerFactory.getLogger(CloudWatchSource.class);
  public static final String ACTION = "cloudwatch:GetMetricData";
  static final String NAMESPACE = "AWS/RDS";
  static final String STAT = "Average";
  /** A window is a few hours of datapoints; more pages than this means the token never ends. */
  static final int MAX_PAGES = 200;

  private final AwsClients clients;
  private final Duration period;

  public CloudWatchSource(AwsClients clients, Duration period) {
    this.clients = clients;
    this.period = period;
  }

  /** Every metric that exists in the request's scope. */
  public static List<CloudWatchMetric> metricsFor(CloudWatchScope scope) {
    return Arrays.stream(CloudWatchMetric.values()).filter(m -> m.existsFor(scope)).toList();
  }

  /** Reads all metrics of the requests, which share {@code link}'s region and endpoints; one result each. */
  public List<CloudWatchResult> read(AwsConfig link, List<CloudWatchRequest> requests) {
    return read(link, requests, CloudWatchSource::metricsFor);
  }

  /** Reads {@code metrics} of each request; never throws for an AWS failure (it is in the results). */
  public List<CloudWatchResult> read(
      AwsConfig link, List<CloudWatchRequest> requests, Function<CloudWatchScope, List<CloudWatchMetric>> metrics) {
    CloudWatchClient client = clients.cloudWatch(link);
    RateLimiter limiter = clients.limiter(AwsService.CLOUDWATCH, link.region());
    Map<CloudWatchRequest, List<CloudWatchSample>> samples = new LinkedHashMap<>();
    Map<CloudWatchRequest, SourceException> failures = new HashMap<>();
    Map<CloudWatchRequest, Integer> throttled = new HashMap<>();
    requests.forEach(r -> samples.put(r, new ArrayList<>()));
    for (CloudWatchBatches.Batch batch : CloudWatchBatches.plan(requests, metrics)) {
      int throttledAttempts = call(client, limiter, batch, samples, failures);
      Set<String> counted = new HashSet<>();
      for (CloudWatchRequest r : batch.requests()) {
        // One call carries many targets: each of them was slowed by its throttling, once.
        if (counted.add(r.target())) {
          throttled.merge(r, throttledAttempts, Integer::sum);
        }
      }
    }
    List<CloudWatchResult> out = new ArrayList<>();
    for (CloudWatchRequest r : requests) {
      Optional<SourceException> failure = Optional.ofNullable(failures.get(r));
      out.add(new CloudWatchResult(
          r, failure.isPresent() ? List.of() : samples.get(r), failure, throttled.getOrDefault(r, 0)));
    }
    return out;
  }

  /** One batch, all its pages; returns its throttled attempts. */
  private int call(
      CloudWatchClient client,
      RateLimiter limiter,
      CloudWatchBatches.Batch batch,
      Map<CloudWatchRequest, List<CloudWatchSample>> samples,
      Map<CloudWatchRequest, SourceException> failures) {
    Map<String, CloudWatchBatches.Query> byId = new HashMap<>();
    batch.queries().forEach(q -> byId.put(q.id(), q));
    List<MetricDataQuery> queries = batch.queries().stream().map(this::query).toList();
    ThrottleCount count = new ThrottleCount();
    String token = null;
    try {
      for (int page = 0; page < MAX_PAGES; page++) {
        limiter.acquire();
        GetMetricDataRequest.Builder request = GetMetricDataRequest.builder()
            .startTime(batch.from())
            .endTime(batch.to())
            .scanBy(ScanBy.TIMESTAMP_ASCENDING)
            .metricDataQueries(queries)
            .overrideConfiguration(count::attach);
        if (token != null) {
          request.nextToken(token);
        }
        GetMetricDataResponse response = client.getMetricData(request.build());
        for (MetricDataResult result : response.metricDataResults()) {
          CloudWatchBatches.Query q = byId.get(result.id());
          if (q != null) {
            collect(batch, q, result, samples, failures);
          }
        }
        if (response.hasMessages() && !response.messages().isEmpty()) {
          log.debug("CloudWatch messages for {} .. {}: {}", batch.from(), batch.to(), response.messages());
        }
        token = response.nextToken();
        if (token == null || token.isEmpty()) {
          return count.takeThrottled();
        }
      }
      fail(batch, new SourceException(ErrorReason.BAD_VALUE, ACTION + " still had more pages after "
          + MAX_PAGES + "; the window is read again next round"), failures);
    } catch (SdkException e) {
      for (CloudWatchRequest r : batch.requests()) {
        failures.putIfAbsent(r, AwsFailure.of(context(r), ACTION, e));
      }
    }
    return count.takeThrottled();
  }

  private MetricDataQuery query(CloudWatchBatches.Query q) {
    Metric metric = Metric.builder()
        .namespace(NAMESPACE)
        .metricName(q.metric().awsName())
        .dimensions(Dimension.builder().name(q.dimension()).value(q.identifier()).build())
        .build();
    return MetricDataQuery.builder()
        .id(q.id())
        .returnData(true)
        .metricStat(MetricStat.builder().metric(metric).period((int) period.toSeconds()).stat(STAT).build())
        .build();
  }

  private static void collect(
      CloudWatchBatches.Batch batch,
      CloudWatchBatches.Query q,
      MetricDataResult result,
      Map<CloudWatchRequest, List<CloudWatchSample>> samples,
      Map<CloudWatchRequest, SourceException> failures) {
    switch (result.statusCode()) {
      case COMPLETE, PARTIAL_DATA -> {} // PartialData: the rest comes with the next token
      case FORBIDDEN -> {
        for (CloudWatchRequest r : q.requests()) {
          failures.putIfAbsent(r, new SourceException(ErrorReason.PERMISSION, context(r) + ": access denied for "
              + ACTION + " on " + q.dimension() + " " + q.identifier() + " (StatusCode Forbidden); grant the agent's "
              + "role " + ACTION));
        }
        return;
      }
      case INTERNAL_ERROR -> {
        for (CloudWatchRequest r : q.requests()) {
          failures.putIfAbsent(r, new SourceException(ErrorReason.OTHER, context(r) + ": CloudWatch had an internal "
              + "error reading " + q.metric().awsName() + "; the window is read again next round"));
        }
        return;
      }
      case null, default -> {
        for (CloudWatchRequest r : q.requests()) {
          failures.putIfAbsent(r, new SourceException(ErrorReason.BAD_VALUE, context(r) + ": CloudWatch answered "
              + "status " + result.statusCodeAsString() + " for " + q.metric().awsName()));
        }
        return;
      }
    }
    List<Instant> times = result.timestamps();
    List<Double> values = result.values();
    int n = Math.min(times.size(), values.size());
    for (int i = 0; i < n; i++) {
      Instant at = times.get(i);
      Double value = values.get(i);
      // Outside the window would be read again by the next one; a non-number is no datapoint.
      if (at.isBefore(batch.from()) || !at.isBefore(batch.to()) || value == null || !Double.isFinite(value)) {
        continue;
      }
      for (CloudWatchRequest r : q.requests()) {
        samples.get(r).add(new CloudWatchSample(r.target(), r.scope(), q.metric(), at, value));
      }
    }
  }

  private static void fail(
      CloudWatchBatches.Batch batch, SourceException e, Map<CloudWatchRequest, SourceException> failures) {
    for (CloudWatchRequest r : batch.requests()) {
      failures.putIfAbsent(r, new SourceException(e.reason(), context(r) + ": " + e.getMessage()));
    }
  }

  private static String context(CloudWatchRequest r) {
    return "target " + r.target() + ": CloudWatch";
  }
}

package dev.earlybird.source.aws;

import dev.earlybird.model.CloudWatchMetric;
import dev.earlybird.model.CloudWatchScope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Packs CloudWatch requests into as few {@code GetMetricData} calls as possible. CloudWatch bills per metric
 * requested, and one call takes up to 500 metrics, but only one time window: requests are grouped by window
 * (in steady state every target has the same one), and targets that share an identifier in one scope (the
 * instances of one Aurora cluster, for its cluster metrics) share the queries.
 */
final class CloudWatchBatches {
  /** GetMetricData's limit of {@code MetricDataQueries} per call. */
  static final int MAX_QUERIES = 500;

  /** One metric of one identifier; its datapoints go to every request listed. */
  record Query(String id, CloudWatchMetric metric, String dimension, String identifier, List<CloudWatchRequest> requests) {}

  /** One call: one window, at most {@link #MAX_QUERIES} queries, all metrics of an identifier together. */
  record Batch(Instant from, Instant to, List<Query> queries) {
    Set<CloudWatchRequest> requests() {
      Set<CloudWatchRequest> out = new LinkedHashSet<>();
      queries.forEach(q -> out.addAll(q.requests()));
      return out;
    }
  }

  private record Window(Instant from, Instant to) {}

  private record Series(CloudWatchScope scope, String identifier) {}

  private CloudWatchBatches() {}

  static List<Batch> plan(List<CloudWatchRequest> requests, Function<CloudWatchScope, List<CloudWatchMetric>> metrics) {
    Map<Window, Map<Series, List<CloudWatchRequest>>> byWindow = new LinkedHashMap<>();
    for (CloudWatchRequest r : requests) {
      byWindow.computeIfAbsent(new Window(r.from(), r.to()), w -> new LinkedHashMap<>())
          .computeIfAbsent(new Series(r.scope(), r.identifier()), s -> new ArrayList<>())
          .add(r);
    }
    List<Batch> batches = new ArrayList<>();
    byWindow.forEach((window, series) -> {
      List<Query> current = new ArrayList<>();
      for (var e : series.entrySet()) {
        List<CloudWatchMetric> wanted = metrics.apply(e.getKey().scope());
        if (current.size() + wanted.size() > MAX_QUERIES) {
          batches.add(new Batch(window.from(), window.to(), List.copyOf(current)));
          current.clear();
        }
        String dimension = e.getValue().getFirst().dimension();
        for (CloudWatchMetric m : wanted) {
          // Ids must start with a lowercase letter; they only need to be unique within the call.
          current.add(new Query("q" + current.size(), m, dimension, e.getKey().identifier(), List.copyOf(e.getValue())));
        }
      }
      if (!current.isEmpty()) {
        batches.add(new Batch(window.from(), window.to(), List.copyOf(current)));
      }
    });
    return batches;
  }
}

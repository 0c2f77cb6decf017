package dev.earlybird.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.CloudWatchMetric;
import dev.earlybird.model.CloudWatchSample;
import dev.earlybird.model.CloudWatchScope;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** CloudWatch datapoints in the store: what the morning forecast reads back, and what resuming relies on. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class CloudWatchStoreTest {
  @Parameter StoreKind kind;

  static final Instant T0 = Instant.parse("2026-03-02T06:00:00Z");
  static final CloudWatchScope INSTANCE = CloudWatchScope.INSTANCE;
  static final CloudWatchMetric CPU = CloudWatchMetric.CPU_UTILIZATION;

  @TempDir Path dir;

  static CloudWatchSample cpu(String target, int minute, double value) {
    return new CloudWatchSample(target, INSTANCE, CPU, T0.plus(Duration.ofMinutes(minute)), value);
  }

  @Test
  void storesEachDatapointOnceHoweverOftenItIsWritten() {
    try (var store = kind.open(dir)) {
      store.recordCloudWatch(List.of(cpu("a", 0, 10), cpu("a", 1, 11)));
      // A re-read window (after an error, a restart) overlaps the first, and a batch may repeat itself.
      store.recordCloudWatch(List.of(cpu("a", 1, 11), cpu("a", 2, 12), cpu("a", 2, 12)));

      assertThat(store.cloudWatchSeries("a", INSTANCE, CPU, T0, T0.plus(Duration.ofHours(1))))
          .containsExactly(cpu("a", 0, 10), cpu("a", 1, 11), cpu("a", 2, 12));
    }
  }

  @Test
  void readsOneTargetMetricAndScopeInAHalfOpenRange() {
    try (var store = kind.open(dir)) {
      List<CloudWatchSample> samples = new ArrayList<>();
      for (int m = 0; m < 10; m++) {
        samples.add(cpu("a", m, m));
        samples.add(cpu("b", m, 100 + m));
        samples.add(new CloudWatchSample("a", INSTANCE, CloudWatchMetric.DB_LOAD, T0.plus(Duration.ofMinutes(m)), 2));
        samples.add(new CloudWatchSample("a", CloudWatchScope.CLUSTER, CPU, T0.plus(Duration.ofMinutes(m)), 50));
      }
      store.recordCloudWatch(samples);

      assertThat(store.cloudWatchSeries("a", INSTANCE, CPU, T0.plus(Duration.ofMinutes(3)), T0.plus(Duration.ofMinutes(6))))
          .containsExactly(cpu("a", 3, 3), cpu("a", 4, 4), cpu("a", 5, 5));
      assertThat(store.cloudWatchSeries("a", CloudWatchScope.CLUSTER, CPU, T0, T0.plus(Duration.ofMinutes(2))))
          .extracting(CloudWatchSample::value).containsExactly(50.0, 50.0);
      assertThat(store.cloudWatchSeries("c", INSTANCE, CPU, T0, T0.plus(Duration.ofHours(1)))).isEmpty();
    }
  }

  @Test
  void theNewestDatapointPerTargetSurvivesAReopen() {
    try (var store = kind.open(dir)) {
      store.recordCloudWatch(List.of(cpu("a", 0, 1), cpu("a", 7, 1), cpu("b", 3, 1),
          new CloudWatchSample("a", INSTANCE, CloudWatchMetric.DB_LOAD, T0.plus(Duration.ofMinutes(9)), 1),
          new CloudWatchSample("b", CloudWatchScope.CLUSTER, CPU, T0.plus(Duration.ofMinutes(20)), 1)));
    }
    try (var store = kind.open(dir)) {
      assertThat(store.lastCloudWatchSamples(INSTANCE))
          .containsOnly(
              java.util.Map.entry("a", T0.plus(Duration.ofMinutes(9))),
              java.util.Map.entry("b", T0.plus(Duration.ofMinutes(3))));
      assertThat(store.lastCloudWatchSamples(CloudWatchScope.CLUSTER))
          .containsOnly(java.util.Map.entry("b", T0.plus(Duration.ofMinutes(20))));
    }
  }

  @Test
  void isKeptAsLongAsHourlyRollups() {
    try (var store = kind.open(dir)) {
      store.recordCloudWatch(List.of(cpu("a", 0, 1), cpu("a", 60, 2), cpu("a", 120, 3)));
      Retention retention = new Retention(Duration.ofHours(1), Duration.ofHours(2), Duration.ofDays(1));

      store.maintain(T0.plus(Duration.ofMinutes(180)), retention);

      assertThat(store.cloudWatchSeries("a", INSTANCE, CPU, T0, T0.plus(Duration.ofDays(1))))
          .extracting(CloudWatchSample::value).containsExactly(2.0, 3.0);
    }
  }
}

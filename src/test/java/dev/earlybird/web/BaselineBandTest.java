package dev.earlybird.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselineBandTest {
  static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  static QueriesApi.PointJson point(int minute, long calls, double meanMs, double stddevMs) {
    Instant end = T0.plusSeconds(60L * minute);
    return new QueriesApi.PointJson(end.minusSeconds(60), end, "raw", calls, calls * meanMs, meanMs, stddevMs, 0,
        calls * meanMs, calls, 0, 0, 0);
  }

  @Test
  void eachPointGetsTheCallWeightedMeanAndPooledSpreadOfThePointsBeforeIt() {
    // 10 calls at 2 ms (sd 1) and 30 calls at 4 ms (sd 1): mean 3.5 ms; pooled variance
    // (10 * (1 + 2.25) + 30 * (1 + 0.25)) / 40 = 1.75.
    var band = BaselineBand.of(List.of(point(1, 10, 2, 1), point(2, 30, 4, 1), point(3, 5, 9, 0)));
    assertThat(band).hasSize(2);
    assertThat(band.get(0)).isEqualTo(new BaselineBand.BandJson(T0.plusSeconds(120), 2, 1, 3, 10));
    var third = band.get(1);
    assertThat(third.end()).isEqualTo(T0.plusSeconds(180));
    assertThat(third.meanMs()).isEqualTo(3.5);
    assertThat(third.highMs()).isEqualTo(Api.round(3.5 + Math.sqrt(1.75)));
    assertThat(third.lowMs()).isEqualTo(Api.round(3.5 - Math.sqrt(1.75)));
    assertThat(third.calls()).isEqualTo(40);
  }

  @Test
  void theBandLooksBackATwelvePointWindowNeverGoesBelowZeroAndSkipsPointsWithNothingBefore() {
    List<QueriesApi.PointJson> series = new ArrayList<>();
    series.add(point(0, 0, 0, 0));
    for (int m = 1; m <= 12; m++) {
      series.add(point(m, 1, 100, 0));
    }
    series.add(point(13, 1, 1, 50));
    series.add(point(14, 1, 1, 0));
    var band = BaselineBand.of(series);
    assertThat(band.getFirst().end()).as("the empty first point and the point after it: nothing before")
        .isEqualTo(T0.plusSeconds(120));
    // The point at minute 14 sees minutes 2..13: eleven calls at 100 ms and one at 1 ms (sd 50).
    var last = band.getLast();
    assertThat(last.calls()).isEqualTo(12);
    assertThat(last.meanMs()).isEqualTo(Api.round((11 * 100 + 1) / 12.0));
    assertThat(band).allSatisfy(b -> assertThat(b.lowMs()).isGreaterThanOrEqualTo(0));
    assertThat(BaselineBand.of(List.of(point(1, 1, 1, 100), point(2, 1, 1, 0))).getFirst().lowMs()).isZero();
  }
}

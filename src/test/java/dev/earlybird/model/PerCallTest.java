package dev.earlybird.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PerCallTest {
  @Test
  void meanAndVarianceFromSums() {
    double[] x = {2, 4, 4, 4, 5, 5, 7, 9};
    double sum = 0;
    double sumSq = 0;
    for (double v : x) {
      sum += v;
      sumSq += v * v;
    }
    assertThat(PerCall.mean(x.length, sum)).isEqualTo(5);
    assertThat(PerCall.variance(x.length, sum, sumSq)).isCloseTo(4, within(1e-12));
  }

  @Test
  void noCallsIsZeroNotNaN() {
    assertThat(PerCall.mean(0, 0)).isZero();
    assertThat(PerCall.variance(0, 0, 0)).isZero();
  }

  @Test
  void cancellationNeverGivesANegativeVariance() {
    // identical calls: E[x^2] - E[x]^2 is 0 in exact arithmetic, slightly negative in floating point
    long calls = 3;
    double v = 0.1;
    assertThat(PerCall.variance(calls, v * 3, (v * v) * 3)).isGreaterThanOrEqualTo(0);
  }
}

package dev.earlybird.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class WelchTest {
  /** Reference values from scipy.stats.t.sf(t, df). */
  @ParameterizedTest
  @CsvSource({
    "0, 5, 0.5",
    "1.0, 1, 0.25",
    "2.0, 10, 0.0366940174",
    "2.5, 3.7, 0.0359110115",
    "-1.5, 20, 0.9253821144",
    "4.0, 100, 6.0761822e-05",
    "1.96, 100000, 0.0249992816"
  })
  void upperTailMatchesReference(double t, double df, double expected) {
    assertThat(StudentT.upperTail(t, df)).isCloseTo(expected, within(Math.max(1e-9, expected * 1e-6)));
  }

  @Test
  void logGammaOfIntegersIsLogFactorial() {
    assertThat(StudentT.logGamma(5)).isCloseTo(Math.log(24), within(1e-12));
    assertThat(StudentT.logGamma(0.5)).isCloseTo(Math.log(Math.sqrt(Math.PI)), within(1e-12));
  }

  @Test
  void aClearRiseWithManyCallsIsSignificant() {
    var r = Welch.greater(new Welch.Sample(1000, 2.0, 0.25), new Welch.Sample(1000, 4.0, 1.0));
    assertThat(r.pValue()).isLessThan(1e-10);
    assertThat(r.t()).isGreaterThan(50);
  }

  @Test
  void aRiseWithinTheNoiseOfAHighVarianceStatementIsNot() {
    // Mean doubles, but per-call stddev is 30 ms on a 5 ms mean and there are only 60 calls.
    var r = Welch.greater(new Welch.Sample(60, 5.0, 900), new Welch.Sample(60, 10.0, 900));
    assertThat(r.pValue()).isGreaterThan(0.1);
  }

  @Test
  void welchDegreesOfFreedomMatchTheTextbookExample() {
    // Two samples: n=10, s^2=4 (pop var 3.6) and n=20, s^2=9 (pop var 8.55).
    var r = Welch.greater(new Welch.Sample(10, 10, 3.6), new Welch.Sample(20, 12, 8.55));
    double sa = 9.0 / 20, sb = 4.0 / 10;
    double df = Math.pow(sa + sb, 2) / (sa * sa / 19 + sb * sb / 9);
    assertThat(r.df()).isCloseTo(df, within(1e-9));
    assertThat(r.t()).isCloseTo(2 / Math.sqrt(sa + sb), within(1e-9));
  }

  @Test
  void aFallOrTooFewCallsIsNeverSignificant() {
    assertThat(Welch.greater(new Welch.Sample(100, 4, 1), new Welch.Sample(100, 2, 1)).pValue()).isGreaterThan(0.99);
    assertThat(Welch.greater(new Welch.Sample(1, 1, 0), new Welch.Sample(100, 9, 1)).pValue()).isEqualTo(1);
  }

  @Test
  void noSpreadOnEitherSideMakesAnyRiseCertain() {
    assertThat(Welch.greater(new Welch.Sample(50, 1, 0), new Welch.Sample(50, 2, 0)).pValue()).isZero();
    assertThat(Welch.greater(new Welch.Sample(50, 2, 0), new Welch.Sample(50, 2, 0)).pValue()).isEqualTo(1);
  }
}

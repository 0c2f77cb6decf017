package dev.earlybird.source.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket's arithmetic, on a clock the test moves (no sleeping). */
class RateLimiterTest {
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Test
  void aBurstOfTheRateGoesAtOnceThenCallsAreSpacedByTheRate() {
    RateLimiter limiter = new RateLimiter(5, nanos::get);
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.reserve()).isZero();
    }
    // The sixth call in the same instant waits 1/5 s, the seventh 2/5 s: callers queue, they do not fail.
    assertThat(limiter.reserve()).isEqualTo(200_000_000L);
    assertThat(limiter.reserve()).isEqualTo(400_000_000L);
  }

  @Test
  void tokensComeBackWithTimeButNeverBeyondTheBurst() {
    RateLimiter limiter = new RateLimiter(2, nanos::get);
    limiter.reserve();
    limiter.reserve();
    nanos.addAndGet(10_000_000_000L); // 10 s idle: still only a burst of 2
    assertThat(limiter.reserve()).isZero();
    assertThat(limiter.reserve()).isZero();
    assertThat(limiter.reserve()).isEqualTo(500_000_000L);
  }

  @Test
  void aRateBelowOnePerSecondStillLetsOneCallThrough() {
    RateLimiter limiter = new RateLimiter(0.5, nanos::get);
    assertThat(limiter.reserve()).isZero();
    assertThat(limiter.reserve()).isEqualTo(2_000_000_000L);
  }

  @Test
  void refusesANonPositiveRate() {
    assertThatThrownBy(() -> new RateLimiter(0)).isInstanceOf(IllegalArgumentException.class);
  }
}

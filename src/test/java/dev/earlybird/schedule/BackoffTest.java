package dev.earlybird.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Duration interval = Duration.ofSeconds(10);
  private final Instant t0 = Instant.parse("2026-11-20T06:00:00Z");

  @Test
  void firstRetryIsTheNextTickThenWaitsDoubleUpToTheCap() {
    Backoff b = new Backoff(interval, Duration.ofSeconds(40), new Random(1));
    assertThat(b.mayTry(t0)).isTrue();
    b.failed(t0);
    assertThat(b.mayTry(t0.plus(interval))).as("next tick after one failure").isTrue();
    b.failed(t0);
    assertThat(b.mayTry(t0.plusSeconds(2))).isFalse();
    assertThat(b.mayTry(t0.plusSeconds(30))).isTrue();
    for (int i = 0; i < 10; i++) {
      b.failed(t0);
    }
    // capped at 40s (+20% jitter), minus the tick that is waited anyway
    assertThat(b.mayTry(t0.plusSeconds(39))).isTrue();
    assertThat(b.failures()).isEqualTo(12);
  }

  @Test
  void successResetsEverything() {
    Backoff b = new Backoff(interval, Duration.ofMinutes(5), new Random(2));
    b.failed(t0);
    b.failed(t0);
    b.failed(t0);
    b.succeeded();
    assertThat(b.mayTry(t0)).isTrue();
    assertThat(b.failures()).isZero();
  }

  @Test
  void aClockSteppedBackDoesNotLengthenTheWait() {
    Backoff b = new Backoff(interval, Duration.ofMinutes(5), new Random(3));
    for (int i = 0; i < 6; i++) {
      b.failed(t0);
    }
    assertThat(b.mayTry(t0.plusSeconds(3))).isFalse();
    // The wall clock goes back 10 minutes: the capped wait (at most 6 min) runs from the new now, not from 10 min ahead.
    Instant stepped = t0.minus(Duration.ofMinutes(10));
    assertThat(b.mayTry(stepped)).isFalse();
    assertThat(b.mayTry(stepped.plus(Duration.ofMinutes(6)))).isTrue();
  }
}

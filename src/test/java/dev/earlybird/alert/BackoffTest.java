package dev.earlybird.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  final Backoff backoff = Backoff.standard(new Random(7));

  @Test
  void doublesWithJitterUpToTheCap() {
    for (int attempt = 1; attempt <= 30; attempt++) {
      long step = Math.min(Duration.ofMinutes(5).toMillis(), 2000L << Math.min(attempt - 1, 20));
      Duration d = backoff.after(attempt, Optional.empty());
      assertThat(d.toMillis()).as("attempt %d", attempt).isBetween(step / 2, step);
    }
  }

  @Test
  void aReceiversRetryAfterWinsWhenLongerButIsCappedAtAnHour() {
    assertThat(backoff.after(1, Optional.of(Duration.ofSeconds(120)))).isEqualTo(Duration.ofSeconds(120));
    assertThat(backoff.after(1, Optional.of(Duration.ofDays(2)))).isEqualTo(Duration.ofHours(1));
    assertThat(backoff.after(12, Optional.of(Duration.ofMillis(10))).toSeconds()).isGreaterThanOrEqualTo(150);
  }
}

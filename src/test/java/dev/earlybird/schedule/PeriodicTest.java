package dev.earlybird.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTest {
  @Test
  void aFailingRoundDoesNotStopTheLoopAndCloseStopsIt() {
    AtomicInteger rounds = new AtomicInteger();
    Periodic p = new Periodic("test", Duration.ofMillis(20), InstantSource.system(), () -> {
      if (rounds.incrementAndGet() == 1) {
        throw new IllegalStateException("the first round fails");
      }
    });
    p.start(Duration.ZERO);
    await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() >= 3);

    assertThat(p.close(Duration.ofSeconds(5))).isTrue();
    int after = rounds.get();
    assertThat(p.running()).isFalse();
    // No round starts once close has returned.
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> rounds.get() == after);
  }

  @Test
  void closeWithoutStartIsFine() {
    assertThat(new Periodic("idle", Duration.ofSeconds(1), InstantSource.system(), () -> {}).close(Duration.ZERO))
        .isTrue();
  }
}

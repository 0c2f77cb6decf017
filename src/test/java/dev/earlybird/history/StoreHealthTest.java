package dev.earlybird.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StoreHealthTest {
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-07T04:00:00Z"));
  final StoreHealth health = new StoreHealth(now::get);
  final List<String> heard = new ArrayList<>();

  StoreHealthTest() {
    health.listen(new StoreHealth.Listener() {
      @Override
      public void failing(String problem) {
        heard.add("failing: " + problem);
      }

      @Override
      public void recovered(Duration after, long failedWrites) {
        heard.add("recovered after " + after.toSeconds() + " s, " + failedWrites + " failed");
      }
    });
  }

  @Test
  void anOutageIsHeardOnceWhenItStartsAndOnceWhenItEndsWhateverTheWritesInBetween() {
    health.succeeded();
    assertThat(health.up()).isTrue();
    health.failed("disk full");
    now.set(now.get().plusSeconds(10));
    health.failed("disk still full");
    health.failed("disk still full");
    assertThat(health.up()).isFalse();
    assertThat(health.problem()).contains("disk full");
    now.set(now.get().plusSeconds(20));
    health.succeeded();
    health.succeeded();
    assertThat(heard).containsExactly("failing: disk full", "recovered after 30 s, 3 failed");
    assertThat(health.up()).isTrue();
    assertThat(health.problem()).isEmpty();

    health.failed("again");
    health.succeeded();
    assertThat(heard).hasSize(4).endsWith("failing: again", "recovered after 0 s, 1 failed");
    assertThat(health.errors()).as("every failed write since the start").isEqualTo(4);
  }
}

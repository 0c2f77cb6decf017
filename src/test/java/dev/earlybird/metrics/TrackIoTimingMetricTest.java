package dev.earlybird.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@code earlybird_target_track_io_timing{target}}: what the EarlybirdTrackIoTimingOff alert reads. A value must only
 * exist while the agent actually knows the setting, or the alert would fire for targets it never reached.
 */
class TrackIoTimingMetricTest {
  private final AgentMetrics metrics = new AgentMetrics("test");

  private String scrape() {
    return metrics.scrape("text/plain").body();
  }

  private void polled(String target, boolean trackIoTiming) {
    metrics.pollSucceeded(target, "pg_stat_statements", Duration.ofMillis(5), Instant.now(), 10, 0, false);
    metrics.trackIoTiming(target, trackIoTiming);
  }

  @Test
  void oneWhenOnZeroWhenOffPerTarget() {
    polled("on-server", true);
    polled("off-server", false);

    assertThat(scrape())
        .contains("# TYPE earlybird_target_track_io_timing gauge")
        .contains("earlybird_target_track_io_timing{target=\"on-server\"} 1.0")
        .contains("earlybird_target_track_io_timing{target=\"off-server\"} 0.0");
  }

  @Test
  void followsTheSettingWhenItChanges() {
    polled("db", false);
    polled("db", true);

    assertThat(scrape())
        .contains("earlybird_target_track_io_timing{target=\"db\"} 1.0")
        .doesNotContain("earlybird_target_track_io_timing{target=\"db\"} 0.0");
  }

  @Test
  void noValueForATargetNeverReached() {
    metrics.registerTarget("never-up");
    metrics.pollFailed("never-up", "pg_stat_statements", "connect", Duration.ofMillis(5));

    assertThat(scrape())
        .contains("earlybird_target_up{target=\"never-up\"} 0.0")
        .doesNotContain("earlybird_target_track_io_timing");
  }

  @Test
  void leavesWithTheDetailsOfAFailingTargetAndComesBackWithItsNextPoll() {
    polled("flaky", false);
    metrics.pollFailed("flaky", "pg_stat_statements", "connect", Duration.ofMillis(5));
    metrics.forgetTargetDetails("flaky");

    assertThat(scrape()).doesNotContain("earlybird_target_track_io_timing");

    polled("flaky", false);
    assertThat(scrape()).contains("earlybird_target_track_io_timing{target=\"flaky\"} 0.0");
  }

  @Test
  void leavesWithARemovedTarget() {
    polled("gone", true);
    polled("stays", true);
    metrics.removeTarget("gone");

    assertThat(scrape())
        .doesNotContain("target=\"gone\"")
        .contains("earlybird_target_track_io_timing{target=\"stays\"} 1.0");
  }
}

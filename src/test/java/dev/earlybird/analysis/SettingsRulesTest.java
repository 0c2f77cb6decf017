package dev.earlybird.analysis;

import static dev.earlybird.analysis.Catalogs.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Evidence;
import dev.earlybird.model.ServerSettings;
import dev.earlybird.model.Subject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsRulesTest {
  static final ServerSettings GOOD =
      new ServerSettings(160004, true, Optional.of(true), 5000, "1.10", "1.10", 0, Optional.of(NOW.minusSeconds(86_400)));

  @Test
  void aWellSetServerGetsNoAdvice() {
    assertThat(SettingsRules.observe("t", List.of("acme"), GOOD, NOW)).isEmpty();
    // Before 14 there is no deallocation count, and track_planning is unknown without pg_stat_statements loaded.
    var old = new ServerSettings(130010, true, Optional.empty(), 5000, "1.8", "1.8", 0, Optional.empty());
    assertThat(SettingsRules.observe("t", List.of(), old, NOW)).isEmpty();
  }

  @Test
  void eachProblemIsOneAdviceAboutTheTargetWithAStableFingerprintPerSetting() {
    var bad = new ServerSettings(160004, false, Optional.of(false), 5000, "1.9", "1.10", 12_000,
        Optional.of(NOW.minus(Duration.ofDays(4))));
    var obs = SettingsRules.observe("t", List.of("acme"), bad, NOW);
    assertThat(obs).hasSize(4).allSatisfy(o -> {
      assertThat(o.subject()).isEqualTo(new Subject.Target("t", List.of("acme")));
      assertThat(((Evidence.Advice) o.evidence()).rule()).isEqualTo("settings");
    });
    var dealloc = (Evidence.Advice) obs.get(0).evidence();
    assertThat(dealloc.numbers()).containsEntry("deallocationsPerDay", 3000.0).containsEntry("suggestedPgssMax", 10_000.0);
    assertThat(dealloc.advice()).contains("3,000 per day", "pg_stat_statements.max = 10000");
    assertThat(((Evidence.Advice) obs.get(1).evidence()).advice()).contains("track_io_timing = on", "upper bound");
    assertThat(((Evidence.Advice) obs.get(2).evidence()).advice()).contains("track_planning = on", "overhead");
    assertThat(((Evidence.Advice) obs.get(3).evidence()).advice())
        .contains("1.9", "1.10", "ALTER EXTENSION pg_stat_statements UPDATE");
    assertThat(obs).extracting(Observation::fingerprint).doesNotHaveDuplicates()
        .isEqualTo(SettingsRules.observe("t", List.of(), bad, NOW.plusSeconds(60)).stream()
            .map(Observation::fingerprint).toList());
    assertThat(SettingsRules.observe("u", List.of(), bad, NOW).get(0).fingerprint())
        .isNotEqualTo(obs.get(0).fingerprint());
  }

  @Test
  void versionsCompareNumerically() {
    assertThat(SettingsRules.compareVersions("1.9", "1.10")).isNegative();
    assertThat(SettingsRules.compareVersions("1.10", "1.10")).isZero();
    assertThat(SettingsRules.compareVersions("1.11", "1.10")).isPositive();
  }
}

package dev.earlybird.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The window rules shared by the API and the command line; each spells the parameters its own way. */
class TimeWindowTest {
  private final Instant now = Instant.parse("2026-11-20T12:00:00Z");

  @Test
  void errorsUseTheCallersNamesAndShowAnExample() {
    assertThatThrownBy(() -> TimeWindow.parse(null, null, "yesterday", now, ZoneOffset.UTC, p -> "--" + p))
        .hasMessage("--date must be a calendar date like 2026-11-20, got 'yesterday'");
    assertThatThrownBy(() -> TimeWindow.parse("noon", null, null, now, ZoneOffset.UTC, p -> "--" + p))
        .hasMessageContaining("--from must be an ISO-8601 instant like 2026-11-20T06:00:00Z");
    assertThatThrownBy(() -> TimeWindow.parse("2026-11-20T00:00:00Z", null, "2026-11-20", now, ZoneOffset.UTC, p -> "--" + p))
        .hasMessage("give either --date or --from/--to, not both");
    assertThatThrownBy(() -> TimeWindow.parse("2026-11-21T00:00:00Z", null, null, now, ZoneOffset.UTC, p -> "--" + p))
        .hasMessageContaining("--from (2026-11-21T00:00:00Z) must be before --to (2026-11-20T12:00:00Z)");
  }

  @Test
  void aDateInATenantsZoneAndAFromAloneEndNowOrADayLater() {
    TimeWindow tokyo = TimeWindow.parse(null, null, "2026-11-20", now, ZoneId.of("Asia/Tokyo"), p -> p);
    assertThat(tokyo).isEqualTo(new TimeWindow(Instant.parse("2026-11-19T15:00:00Z"), Instant.parse("2026-11-20T15:00:00Z")));
    TimeWindow from = TimeWindow.parse("2026-11-20T10:00:00Z", null, null, now, ZoneOffset.UTC, p -> p);
    assertThat(from.to()).isEqualTo(now);
  }
}

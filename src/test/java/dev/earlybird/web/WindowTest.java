package dev.earlybird.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WindowTest {
  private final Instant now = Instant.parse("2026-11-20T12:00:00Z");

  @Test
  void defaultIsTheLast24Hours() {
    Window w = Window.parse(null, null, null, now, ZoneOffset.UTC);
    assertThat(w.from()).isEqualTo(Instant.parse("2026-11-19T12:00:00Z"));
    assertThat(w.to()).isEqualTo(now);
  }

  @Test
  void aDateIsACalendarDayInTheGivenZone() {
    Window w = Window.parse(null, null, "2026-11-20", now, ZoneId.of("America/New_York"));
    assertThat(w.from()).isEqualTo(Instant.parse("2026-11-20T05:00:00Z"));
    assertThat(w.to()).isEqualTo(Instant.parse("2026-11-21T05:00:00Z"));
  }

  @Test
  void aDstDayHas23Hours() {
    Window w = Window.parse(null, null, "2026-03-08", now, ZoneId.of("America/New_York"));
    assertThat(java.time.Duration.between(w.from(), w.to())).hasHours(23);
  }

  @Test
  void offsetsAreAccepted() {
    Window w = Window.parse("2026-11-20T08:00:00+02:00", "2026-11-20T10:00:00Z", null, now, ZoneOffset.UTC);
    assertThat(w.from()).isEqualTo(Instant.parse("2026-11-20T06:00:00Z"));
  }

  @Test
  void badInputNamesTheParameter() {
    assertThatThrownBy(() -> Window.parse("yesterday", null, null, now, ZoneOffset.UTC))
        .isInstanceOf(BadRequest.class).hasMessageContaining("'from'").hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> Window.parse(null, null, "20/11/2026", now, ZoneOffset.UTC))
        .isInstanceOf(BadRequest.class).hasMessageContaining("'date'");
    assertThatThrownBy(() -> Window.parse("2026-11-20T10:00:00Z", "2026-11-20T09:00:00Z", null, now, ZoneOffset.UTC))
        .isInstanceOf(BadRequest.class).hasMessageContaining("before");
    assertThatThrownBy(() -> Window.parse("2026-11-20T10:00:00Z", null, "2026-11-20", now, ZoneOffset.UTC))
        .isInstanceOf(BadRequest.class).hasMessageContaining("not both");
  }
}

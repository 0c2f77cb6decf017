package dev.earlybird.history;

import java.time.Instant;

/**
 * One point of a statement's series, summed over users and nesting levels: a poll interval (RAW), an hour
 * or a day, whichever resolution still covers that period.
 */
public record SeriesPoint(Instant start, Instant end, Resolution resolution, Usage usage) {
  public enum Resolution {
    RAW,
    HOUR,
    DAY
  }
}

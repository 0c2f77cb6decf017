package dev.earlybird.source.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Which periods a CloudWatch round reads. Windows end a delay behind now (recent datapoints arrive late; an
 * edge read too early would be a gap forever, since a stored window is never read again) and are aligned to
 * the period, so every datapoint is a whole period and consecutive windows neither overlap nor leave a gap.
 */
public final class CloudWatchWindows {
  /** How far back a target with no stored datapoints (or a long outage) is read: a gap beyond it stays a gap. */
  public static final Duration MAX_BACKFILL = Duration.ofHours(3);

  private CloudWatchWindows() {}

  /** The exclusive end of the window read at {@code now}: {@code floor(now - delay, period)}. */
  public static Instant end(Instant now, Duration period, Duration delay) {
    return floor(now.minus(delay), period);
  }

  /**
   * The start of the next window: where the last one ended ({@code resume}), but no further back than
   * {@link #MAX_BACKFILL}; empty when nothing new is complete yet.
   */
  public static Optional<Instant> start(Optional<Instant> resume, Instant end, Duration period) {
    Instant earliest = end.minus(MAX_BACKFILL);
    Instant from = resume.filter(r -> r.isAfter(earliest)).orElse(earliest);
    from = ceil(from, period);
    return from.isBefore(end) ? Optional.of(from) : Optional.empty();
  }

  static Instant floor(Instant t, Duration period) {
    long p = period.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), p) * p);
  }

  static Instant ceil(Instant t, Duration period) {
    Instant f = floor(t, period);
    return f.equals(t) ? f : f.plus(period);
  }
}

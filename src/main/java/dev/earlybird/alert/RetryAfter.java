package dev.earlybird.alert;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** HTTP {@code Retry-After}: delay seconds or an HTTP-date (RFC 9110 10.2.3). */
final class RetryAfter {
  /** A receiver asking for longer than this is capped; the outbox's maxAge gives up on it anyway. */
  static final Duration MAX = Duration.ofHours(1);

  private RetryAfter() {}

  /** Empty when absent or unreadable; a date in the past is zero; never more than {@link #MAX}. */
  static Optional<Duration> parse(Optional<String> header, Instant now) {
    if (header.isEmpty() || header.get().isBlank()) {
      return Optional.empty();
    }
    String value = header.get().strip();
    Duration d;
    if (value.chars().allMatch(Character::isDigit)) {
      try {
        d = Duration.ofSeconds(Long.parseLong(value));
      } catch (NumberFormatException e) {
        d = MAX; // more digits than a long: "a very long time"
      }
    } else {
      try {
        d = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    return Optional.of(d.isNegative() ? Duration.ZERO : d.compareTo(MAX) > 0 ? MAX : d);
  }
}

package dev.earlybird.config;

import java.time.Duration;

/**
 * How each target is polled.
 *
 * @param interval how often pg_stat_statements is read
 * @param textRefresh at most this often query texts are fetched (only when new statements appeared)
 * @param timeout per poll; must end before the next one starts. Null means {@code min(interval/2, 30s)}
 * @param connectTimeout for opening a connection (DNS failures of RDS endpoints should fail fast)
 * @param textMaxLength characters of query text kept per statement
 * @param queryText what of each text is stored and shown (redacted by default)
 */
public record PollConfig(
    Duration interval, Duration textRefresh, Duration timeout, Duration connectTimeout, int textMaxLength,
    QueryTextMode queryText) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
  public static final Duration DEFAULT_TEXT_REFRESH = Duration.ofMinutes(10);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_TEXT_MAX_LENGTH = 8000;
  public static final QueryTextMode DEFAULT_QUERY_TEXT = QueryTextMode.REDACT;
  private static final Duration MAX_DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  public PollConfig {
    Checks.positive(interval, "poll.interval");
    Checks.positive(textRefresh, "poll.textRefresh");
    Checks.positive(connectTimeout, "poll.connectTimeout");
    timeout = Checks.positive(timeout == null ? defaultTimeout(interval) : timeout, "poll.timeout");
    if (timeout.compareTo(interval) >= 0) {
      throw new IllegalArgumentException("poll.timeout (" + Durations.format(timeout)
          + ") must be shorter than poll.interval (" + Durations.format(interval) + ")");
    }
    Checks.atLeast(textMaxLength, 1, "poll.textMaxLength");
    queryText = queryText == null ? DEFAULT_QUERY_TEXT : queryText;
  }

  /** With the default {@code queryText} (redact). */
  public PollConfig(
      Duration interval, Duration textRefresh, Duration timeout, Duration connectTimeout, int textMaxLength) {
    this(interval, textRefresh, timeout, connectTimeout, textMaxLength, DEFAULT_QUERY_TEXT);
  }

  /** Half the interval, capped at 30s: leaves time to write before the next tick. */
  public static Duration defaultTimeout(Duration interval) {
    Duration half = interval.dividedBy(2);
    return half.compareTo(MAX_DEFAULT_TIMEOUT) < 0 ? half : MAX_DEFAULT_TIMEOUT;
  }

  public static PollConfig defaults() {
    return new PollConfig(DEFAULT_INTERVAL, DEFAULT_TEXT_REFRESH, null, DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_TEXT_MAX_LENGTH);
  }
}

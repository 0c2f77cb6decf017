package dev.earlybird.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Binds {@code poll:} and {@code retention:}, the sections of plain durations (and the text settings). */
final class PollBinder {
  static final List<String> POLL_KEYS =
      List.of("interval", "textRefresh", "timeout", "connectTimeout", "textMaxLength", "queryText");
  static final List<String> RETENTION_KEYS = List.of("intervals", "hourly", "daily");

  private PollBinder() {}

  static PollConfig poll(Optional<MapNode> section) {
    if (section.isEmpty()) {
      return PollConfig.defaults();
    }
    MapNode m = section.get();
    Optional<Duration> givenInterval = m.optional("interval", Values.duration(false));
    // When the interval itself is wrong, comparing the timeout with the default would only confuse.
    boolean intervalKnown = givenInterval.isPresent() || m.get("interval").isEmpty();
    Duration interval = givenInterval.orElse(PollConfig.DEFAULT_INTERVAL);
    Duration textRefresh = m.value("textRefresh", Values.duration(false), PollConfig.DEFAULT_TEXT_REFRESH);
    Duration connectTimeout = m.value("connectTimeout", Values.duration(false), PollConfig.DEFAULT_CONNECT_TIMEOUT);
    int textMaxLength = m.value("textMaxLength", Values.integer(1, 1_000_000), PollConfig.DEFAULT_TEXT_MAX_LENGTH);
    QueryTextMode queryText = m.value("queryText", Values.lowercaseEnum(QueryTextMode.class, "query text mode"),
        PollConfig.DEFAULT_QUERY_TEXT);
    Optional<Duration> givenTimeout = m.optional("timeout", Values.duration(false));
    boolean timeoutFits = givenTimeout.map(t -> t.compareTo(interval) < 0).orElse(true);
    if (!timeoutFits && intervalKnown) {
      // A poll still running when the next is due would pile up connections on a struggling server.
      m.get("timeout").orElseThrow().problem(Durations.format(givenTimeout.get()) + " is not shorter than "
          + "poll.interval (" + Durations.format(interval) + "); expected a timeout below the interval (lower it, "
          + "or leave it out for min(interval/2, 30s))");
    }
    Duration timeout = timeoutFits ? givenTimeout.orElse(null) : null;
    return m.build(() -> new PollConfig(interval, textRefresh, timeout, connectTimeout, textMaxLength, queryText))
        .orElseGet(PollConfig::defaults);
  }

  static RetentionConfig retention(Optional<MapNode> section) {
    if (section.isEmpty()) {
      return RetentionConfig.defaults();
    }
    MapNode m = section.get();
    return new RetentionConfig(
        m.value("intervals", Values.duration(false), RetentionConfig.DEFAULT_INTERVALS),
        m.value("hourly", Values.duration(false), RetentionConfig.DEFAULT_HOURLY),
        m.value("daily", Values.duration(false), RetentionConfig.DEFAULT_DAILY));
  }
}

package dev.earlybird.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Binds {@code poll:} and {@code retention:}, the sections of plain durations. */
final class PollBinder {
  static final List<String> POLL_KEYS = List.of("interval", "textRefresh", "timeout", "connectTimeout", "textMaxLength");
  static final List<String> RETENTION_KEYS = List.of("intervals", "hourly", "daily");

  private PollBinder() {}

  static PollConfig poll(Optional<MapNode> section) {
    if (section.isEmpty()) {
      return PollConfig.defaults();
    }
    MapNode m = section.get();
    Duration interval = m.value("interval", Values.duration(false), PollConfig.DEFAULT_INTERVAL);
    Duration textRefresh = m.value("textRefresh", Values.duration(false), PollConfig.DEFAULT_TEXT_REFRESH);
    Duration connectTimeout = m.value("connectTimeout", Values.duration(false), PollConfig.DEFAULT_CONNECT_TIMEOUT);
    int textMaxLength = m.value("textMaxLength", Values.integer(1, 1_000_000), PollConfig.DEFAULT_TEXT_MAX_LENGTH);
    Duration timeout = m.<Duration>optional("timeout", Values.duration(false)).orElse(null);
    if (timeout != null && timeout.compareTo(interval) >= 0) {
      // A poll still running when the next is due would pile up connections on a struggling server.
      m.get("timeout").orElseThrow().problem(Durations.format(timeout) + " is not shorter than poll.interval ("
          + Durations.format(interval) + "); expected a timeout below the interval (lower it, or leave it out "
          + "for min(interval/2, 30s))");
      timeout = null;
    }
    Duration finalTimeout = timeout;
    return m.build(() -> new PollConfig(interval, textRefresh, finalTimeout, connectTimeout, textMaxLength))
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

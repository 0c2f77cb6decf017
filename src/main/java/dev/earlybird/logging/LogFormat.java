package dev.earlybird.logging;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The log line formats {@code EARLYBIRD_LOG_FORMAT} selects. */
public enum LogFormat {
  /** {@code 2026-11-21T06:00:00.123Z INFO  Agent - message}: for people reading a terminal. */
  TEXT,
  /** One JSON object per line: for log pipelines (Loki, CloudWatch Logs, Elasticsearch, Datadog). */
  JSON;

  /** The format named {@code value} (any case, surrounding blanks ignored), if there is one. */
  public static Optional<LogFormat> parse(String value) {
    String v = value == null ? "" : value.strip().toUpperCase(Locale.ROOT);
    return Arrays.stream(values()).filter(f -> f.name().equals(v)).findFirst();
  }

  /** "text, json": for messages that list the choices. */
  public static String choices() {
    return Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
  }
}

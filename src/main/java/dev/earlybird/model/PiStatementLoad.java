package dev.earlybird.model;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One SQL digest's load in one Performance Insights window, as PI reports it.
 *
 * @param tokenizedId {@code db.sql_tokenized.id}, PI's digest hash (the console's "Support ID")
 * @param dbId {@code db.sql_tokenized.db_id}: pg_stat_statements' queryid when PI had one, else a synthetic
 *     {@code pi-...} id; see {@link #queryId()}
 * @param statement the digest text, {@code ?} for parameters, cut by PI to 500 bytes
 * @param loadMs active session time over the window (average active sessions x window seconds x 1000)
 * @param waitMs {@code loadMs} split by wait event type ({@code CPU}, {@code IO}, {@code Lock}, ...)
 * @param callsPerSec PI's additional metric, when it had one for the digest
 * @param latencyMs PI's mean latency per call, when it had one
 * @param rowsPerCall PI's rows per call, when it had one
 */
public record PiStatementLoad(
    String tokenizedId,
    String dbId,
    String statement,
    double loadMs,
    Map<String, Double> waitMs,
    OptionalDouble callsPerSec,
    OptionalDouble latencyMs,
    OptionalDouble rowsPerCall) {
  /** PI's name for time on CPU (and waiting for it), in {@code db.wait_event_type.name}. */
  public static final String CPU = "CPU";

  public PiStatementLoad {
    Objects.requireNonNull(tokenizedId, "tokenizedId");
    statement = statement == null ? "" : statement;
    waitMs = Map.copyOf(waitMs);
    Objects.requireNonNull(callsPerSec, "callsPerSec");
    Objects.requireNonNull(latencyMs, "latencyMs");
    Objects.requireNonNull(rowsPerCall, "rowsPerCall");
  }

  /** Time on CPU: the load PI sampled in the CPU wait type. */
  public double cpuMs() {
    return waitMs.getOrDefault(CPU, 0.0);
  }

  /**
   * pg_stat_statements' queryid, when {@code dbId} is one: a signed 64-bit decimal. PI's synthetic
   * {@code pi-...} ids and anything unparsable are not, and must be joined by text.
   */
  public java.util.OptionalLong queryId() {
    if (dbId == null || !dbId.matches("-?[0-9]{1,19}")) {
      return java.util.OptionalLong.empty();
    }
    try {
      return java.util.OptionalLong.of(Long.parseLong(dbId));
    } catch (NumberFormatException e) {
      return java.util.OptionalLong.empty();
    }
  }
}

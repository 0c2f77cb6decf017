package dev.earlybird.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

/**
 * Writes alerts and outbox rows inside a caller's transaction. Plain SQL that runs on DuckDB and PostgreSQL alike:
 * DELETE + INSERT instead of an engine's upsert, JSON kept as text.
 */
final class AlertTables {
  static final ObjectMapper JSON = new ObjectMapper();

  private AlertTables() {}

  /** Upserts the alerts and appends the notifications; the caller commits. */
  static void record(Connection c, AlertWrites writes) throws SQLException {
    try (PreparedStatement del = c.prepareStatement("DELETE FROM alert WHERE fingerprint = ? AND stage = ?");
        PreparedStatement ins = c.prepareStatement(
            """
            INSERT INTO alert (fingerprint, stage, finding_id, firing, labels, annotations, receivers, silenced_by,
                               starts_us, updated_us, ends_us)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
      for (AlertRecord a : writes.alerts()) {
        del.setString(1, a.fingerprint());
        del.setString(2, a.stage().label());
        del.executeUpdate();
        int i = 1;
        ins.setString(i++, a.fingerprint());
        ins.setString(i++, a.stage().label());
        ins.setString(i++, a.findingId());
        ins.setBoolean(i++, a.firing());
        ins.setString(i++, json(a.labels()));
        ins.setString(i++, json(a.annotations()));
        ins.setString(i++, json(a.receivers()));
        ins.setString(i++, a.silencedBy().orElse(null));
        ins.setLong(i++, Columns.micros(a.startsAt()));
        ins.setLong(i++, Columns.micros(a.updatedAt()));
        setInstant(ins, i, a.endsAt());
        ins.executeUpdate();
      }
    }
    try (PreparedStatement ins = c.prepareStatement(
        """
        INSERT INTO outbox (receiver, type, ref, status, dedup_key, payload, created_us, next_attempt_us, attempts)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)""")) {
      for (NewNotification n : writes.notifications()) {
        int i = 1;
        ins.setString(i++, n.receiver());
        ins.setString(i++, n.type());
        ins.setString(i++, n.ref());
        ins.setString(i++, n.status());
        ins.setString(i++, n.dedupKey());
        ins.setString(i++, n.payload());
        ins.setLong(i++, Columns.micros(n.createdAt()));
        ins.setLong(i, Columns.micros(n.createdAt()));
        ins.executeUpdate();
      }
    }
  }

  static void setInstant(PreparedStatement ps, int i, Optional<Instant> at) throws SQLException {
    if (at.isPresent()) {
      ps.setLong(i, Columns.micros(at.get()));
    } else {
      ps.setNull(i, Types.BIGINT);
    }
  }

  /** Reads a JSON column written by {@link #json}. */
  static <T> T parse(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored JSON column is not readable: " + json, e);
    }
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }
}

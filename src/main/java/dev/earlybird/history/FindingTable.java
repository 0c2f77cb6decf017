package dev.earlybird.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads and writes the {@code finding} table; evidence is stored as JSON, typed by the finding's kind. */
final class FindingTable {
  static final String WATERMARK = "findings";
  // Unknown fields are ignored so that a store written by a newer build with more evidence still reads. Instants
  // (a forecast's hours) are ISO-8601 strings.
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private static final String COLUMNS =
      "f.id, f.fingerprint, f.kind, f.state, f.severity, f.target, f.dbid, f.database, f.tenant, f.queryid, f.family,"
          + " f.summary, f.since_us, f.last_seen_us, f.resolved_us, f.streak, f.clear_streak, f.evidence, f.subject,"
          + " f.tenants";
  private static final String INSERTED = COLUMNS.replace("f.", "");

  private FindingTable() {}

  static Class<? extends Evidence> evidenceType(FindingKind kind) {
    return switch (kind) {
      case REGRESSION -> Evidence.Regression.class;
      case NEW -> Evidence.New.class;
      case OUTLIER -> Evidence.Outlier.class;
      case HOT -> Evidence.Hot.class;
      case FORECAST -> Evidence.Forecast.class;
      case ADVICE -> Evidence.Advice.class;
    };
  }

  /** Upserts changed findings, deletes dropped ones and moves the watermark: the caller commits. */
  static void record(Connection c, Instant windowEnd, List<Finding> changed, List<String> deletedIds)
      throws SQLException {
    try (PreparedStatement del = c.prepareStatement("DELETE FROM finding WHERE id = ?")) {
      for (String id : deletedIds) {
        del.setString(1, id);
        del.executeUpdate();
      }
    }
    // DELETE + INSERT rather than ON CONFLICT: every column may change, and DuckDB's upsert is no cheaper.
    try (PreparedStatement del = c.prepareStatement("DELETE FROM finding WHERE id = ?");
        PreparedStatement ins = c.prepareStatement(
            "INSERT INTO finding (" + INSERTED + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Finding f : changed) {
        del.setString(1, f.id());
        del.executeUpdate();
        int i = 1;
        ins.setString(i++, f.id());
        ins.setString(i++, f.fingerprint());
        ins.setString(i++, f.kind().label());
        ins.setString(i++, f.state().label());
        ins.setString(i++, f.severity().yamlName());
        ins.setString(i++, f.target());
        ins.setLong(i++, f.dbId());
        ins.setString(i++, f.database());
        ins.setString(i++, f.tenant());
        ins.setLong(i++, f.queryId());
        ins.setString(i++, f.family());
        ins.setString(i++, f.summary());
        ins.setLong(i++, Columns.micros(f.since()));
        ins.setLong(i++, Columns.micros(f.lastSeen()));
        if (f.resolvedAt().isPresent()) {
          ins.setLong(i++, Columns.micros(f.resolvedAt().get()));
        } else {
          ins.setNull(i++, Types.BIGINT);
        }
        ins.setInt(i++, f.streak());
        ins.setInt(i++, f.clearStreak());
        ins.setString(i++, json(f.evidence()));
        ins.setString(i++, subjectType(f.subject()));
        ins.setString(i, f.subject() instanceof Subject.Target t ? json(t.tenants()) : null);
        ins.executeUpdate();
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        """
        INSERT INTO analysis_watermark (name, value_us) VALUES (?, ?)
        ON CONFLICT (name) DO UPDATE SET value_us = excluded.value_us""")) {
      ps.setString(1, WATERMARK);
      ps.setLong(2, Columns.micros(windowEnd));
      ps.executeUpdate();
    }
  }

  static OptionalLong watermark(Connection c) throws SQLException {
    return watermark(c, "");
  }

  /** The watermark, its row locked until commit: a replica evaluating at the same moment waits, then sees it. */
  static OptionalLong watermarkForUpdate(Connection c) throws SQLException {
    return watermark(c, " FOR UPDATE");
  }

  private static OptionalLong watermark(Connection c, String lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT value_us FROM analysis_watermark WHERE name = ?" + lock)) {
      ps.setString(1, WATERMARK);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  static List<Finding> open(Connection c) throws SQLException {
    List<Finding> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
            "SELECT " + COLUMNS + " FROM finding f WHERE f.state IN ('pending', 'active', 'applied') ORDER BY f.id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(read(rs));
      }
    }
    return out;
  }

  /** Active and resolved findings (never pending), newest first, with their statement's text. */
  static List<FindingRow> find(Connection c, FindingFilter f) throws SQLException {
    StringBuilder where = new StringBuilder("f.state <> 'pending'");
    List<String> params = new ArrayList<>();
    f.kind().ifPresent(k -> { where.append(" AND f.kind = ?"); params.add(k.label()); });
    f.state().ifPresent(s -> { where.append(" AND f.state = ?"); params.add(s.label()); });
    f.target().ifPresent(t -> { where.append(" AND f.target = ?"); params.add(t); });
    f.tenant().ifPresent(t -> { where.append(" AND f.tenant = ?"); params.add(t); });
    f.severity().ifPresent(s -> { where.append(" AND f.severity = ?"); params.add(s.yamlName()); });
    // The order as one row value, so a page starts strictly after (or before) the row a neighbouring page ended at.
    String order = "(" + STATE_RANK + ", " + SEVERITY_RANK + ", -f.last_seen_us, f.id)";
    boolean before = f.seek().map(FindingFilter.Seek::before).orElse(false);
    List<Object> seek = new ArrayList<>();
    f.seek().ifPresent(s -> {
      where.append(" AND ").append(order).append(s.before() ? " < " : " > ").append("(?, ?, ?, ?)");
      seek.addAll(List.of(stateRank(s.state()), 2 - s.severity().ordinal(), -Columns.micros(s.lastSeen()), s.id()));
    });
    String sql =
        """
        SELECT %s, x.query FROM finding f
        LEFT JOIN statement_text x ON x.target = f.target AND x.dbid = f.dbid AND x.queryid = f.queryid
        WHERE %s
        ORDER BY %s
        LIMIT %d"""
            .formatted(COLUMNS, where, before ? DESCENDING.formatted(STATE_RANK, SEVERITY_RANK) : order, f.limit());
    List<FindingRow> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (String p : params) {
        ps.setString(i++, p);
      }
      for (Object p : seek) {
        ps.setObject(i++, p);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new FindingRow(read(rs), rs.getString("query")));
        }
      }
    }
    if (before) {
      java.util.Collections.reverse(out); // read backwards from the seek, shown in the usual order
    }
    return out;
  }

  private static final String STATE_RANK = "CASE f.state WHEN 'active' THEN 0 WHEN 'applied' THEN 1 ELSE 2 END";
  private static final String SEVERITY_RANK = "CASE f.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END";
  private static final String DESCENDING = "%s DESC, %s DESC, f.last_seen_us, f.id DESC";

  private static int stateRank(FindingState s) {
    return switch (s) {
      case ACTIVE -> 0;
      case APPLIED -> 1;
      default -> 2;
    };
  }

  /** Active findings per target and severity, for the fleet page: one grouped read. */
  static java.util.Map<String, java.util.Map<Severity, Long>> activeCounts(Connection c) throws SQLException {
    java.util.Map<String, java.util.Map<Severity, Long>> out = new java.util.TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(
            "SELECT target, severity, count(*) FROM finding WHERE state = 'active' GROUP BY target, severity");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.computeIfAbsent(rs.getString(1), t -> new java.util.EnumMap<>(Severity.class))
            .put(Severity.valueOf(rs.getString(2).toUpperCase(java.util.Locale.ROOT)), rs.getLong(3));
      }
    }
    return out;
  }

  private static Finding read(ResultSet rs) throws SQLException {
    FindingKind kind = FindingKind.parse(rs.getString("kind"));
    long resolved = rs.getLong("resolved_us");
    Optional<Instant> resolvedAt = rs.wasNull() ? Optional.empty() : Optional.of(Columns.instant(resolved));
    return new Finding(
        rs.getString("id"), rs.getString("fingerprint"),
        Severity.valueOf(rs.getString("severity").toUpperCase(java.util.Locale.ROOT)),
        FindingState.parse(rs.getString("state")), subject(rs),
        rs.getString("summary"), Columns.instant(rs.getLong("since_us")), Columns.instant(rs.getLong("last_seen_us")),
        resolvedAt, rs.getInt("streak"), rs.getInt("clear_streak"), evidence(kind, rs.getString("evidence")));
  }

  private static String subjectType(Subject s) {
    return switch (s) {
      case Subject.Statement x -> "statement";
      case Subject.Database x -> "database";
      case Subject.Target x -> "target";
      case Subject.Tenant x -> "tenant";
    };
  }

  private static Subject subject(ResultSet rs) throws SQLException {
    String target = rs.getString("target");
    String type = rs.getString("subject");
    return switch (type == null ? "statement" : type) {
      case "database" -> new Subject.Database(target, rs.getLong("dbid"), rs.getString("database"),
          rs.getString("tenant"));
      case "target" -> new Subject.Target(target, tenants(rs.getString("tenants")));
      case "tenant" -> new Subject.Tenant(rs.getString("tenant"));
      default -> new Subject.Statement(target, rs.getLong("dbid"), rs.getString("database"), rs.getString("tenant"),
          rs.getLong("queryid"), rs.getString("family"));
    };
  }

  private static List<String> tenants(String json) {
    if (json == null) {
      return List.of();
    }
    try {
      return List.of(JSON.readValue(json, String[].class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable tenants of a stored finding: " + e.getMessage(), e);
    }
  }

  private static String json(Object e) {
    try {
      return JSON.writeValueAsString(e);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("cannot serialize " + e, ex);
    }
  }

  private static Evidence evidence(FindingKind kind, String json) {
    try {
      return JSON.readValue(json, evidenceType(kind));
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("stored evidence of a " + kind.label() + " finding is not readable: " + json, ex);
    }
  }
}

package dev.earlybird.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL of the pinned baselines (schema 3): the header row and the per-statement sums copied at pin time. */
final class PinnedBaselines {
  private static final String COLUMNS = "name, target, from_us, to_us, created_us, statements";

  private PinnedBaselines() {}

  static List<PinnedBaseline> list(Connection c) throws SQLException {
    List<PinnedBaseline> out = new ArrayList<>();
    try (var s = c.createStatement();
        var rs = s.executeQuery("SELECT " + COLUMNS + " FROM pinned_baseline ORDER BY created_us DESC, name")) {
      while (rs.next()) {
        out.add(baseline(rs));
      }
    }
    return out;
  }

  static Optional<PinnedBaseline> get(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM pinned_baseline WHERE name = ?")) {
      ps.setString(1, name);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(baseline(rs)) : Optional.empty();
      }
    }
  }

  private static PinnedBaseline baseline(ResultSet rs) throws SQLException {
    return new PinnedBaseline(
        rs.getString(1), Optional.ofNullable(rs.getString(2)), Columns.instant(rs.getLong(3)),
        Columns.instant(rs.getLong(4)), Columns.instant(rs.getLong(5)), rs.getLong(6));
  }

  /**
   * Copies the window's per-statement sums under {@code name}, in the caller's transaction on the write
   * connection, so rollups cannot move between the read and the copy.
   *
   * @throws BaselineException when the name is taken or nothing was recorded in the window
   */
  static PinnedBaseline pin(
      Connection c, String name, Optional<String> target, Instant from, Instant to, Instant now)
      throws SQLException {
    // This SELECT also starts the transaction, which DuckDB's Appender then joins (see BulkRows).
    if (get(c, name).isPresent()) {
      throw new BaselineException(BaselineException.Reason.EXISTS,
          "a baseline named '" + name + "' exists already: pick another name, or delete it first");
    }
    HotQueryFilter window = HotQueryFilter.between(from, to);
    List<HotQueryRow> rows = HistoryReads.hotQueries(c, target.map(window::withTarget).orElse(window));
    if (rows.isEmpty()) {
      String forTarget = target.map(t -> " for target '" + t + "'").orElse("");
      throw new BaselineException(BaselineException.Reason.INVALID, "nothing was recorded between " + from + " and "
          + to + forTarget + ": pick a window in which the agent was polling" + target.map(t -> " it").orElse(""));
    }
    PinnedBaseline b = new PinnedBaseline(name, target, from, to, now, rows.size());
    insert(c, b, rows);
    return b;
  }

  private static void insert(Connection c, PinnedBaseline b, List<HotQueryRow> rows) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO pinned_baseline (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, b.name());
      ps.setString(2, b.target().orElse(null));
      ps.setLong(3, Columns.micros(b.from()));
      ps.setLong(4, Columns.micros(b.to()));
      ps.setLong(5, Columns.micros(b.created()));
      ps.setLong(6, b.statements());
      ps.executeUpdate();
    }
    try (BulkRows a = BulkRows.into(c, "pinned_baseline_statement")) {
      for (HotQueryRow r : rows) {
        a.add(b.name()).add(r.target()).add(r.dbId()).add(r.queryId());
        Columns.appendUsage(a, r.usage());
        a.endRow();
      }
    }
  }

  /** Returns whether a baseline of that name existed. */
  static boolean delete(Connection c, String name) throws SQLException {
    try (PreparedStatement statements = c.prepareStatement("DELETE FROM pinned_baseline_statement WHERE name = ?");
        PreparedStatement header = c.prepareStatement("DELETE FROM pinned_baseline WHERE name = ?")) {
      statements.setString(1, name);
      statements.executeUpdate();
      header.setString(1, name);
      return header.executeUpdate() > 0;
    }
  }

  /**
   * The copied sums, with the database names and texts known now (texts are kept for as long as the store), ranked
   * by CPU as the window was when pinned.
   */
  static List<HotQueryRow> statements(Connection c, String name) throws SQLException {
    String sql =
        """
        SELECT p.target, d.name AS database, p.dbid, p.queryid, x.family, x.query, p.intervals, %s,
               %s AS target_rank
        FROM pinned_baseline_statement p
        LEFT JOIN target_database d ON d.target = p.target AND d.oid = p.dbid
        LEFT JOIN statement_text x ON x.target = p.target AND x.dbid = p.dbid AND x.queryid = p.queryid
        WHERE p.name = ?
        ORDER BY p.exec_ms DESC, p.target, p.dbid, p.queryid"""
            .formatted(Columns.METRICS.replaceAll("(\\w+)", "p.$1"),
                CpuRank.targetRank("p.", "CAST(NULL AS DOUBLE PRECISION)", "p."));
    List<HotQueryRow> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, name);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new HotQueryRow(
              rs.getString("target"), rs.getString("database"), rs.getLong("dbid"), rs.getLong("queryid"),
              rs.getString("family"), rs.getString("query"), Columns.readUsage(rs), rs.getInt("target_rank")));
        }
      }
    }
    return out;
  }
}

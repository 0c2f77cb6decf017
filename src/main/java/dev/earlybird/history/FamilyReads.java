package dev.earlybird.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads of statement families across the fleet: the same SQL (by {@code statement_text.family}) in every database
 * that runs it. The aggregation runs in SQL that DuckDB and PostgreSQL both accept ({@link FamilySql}); each read is
 * one statement, so it sees one consistent state of data and rollup watermarks.
 */
public final class FamilyReads {
  /** Where a page of families ends: the next page starts after this family in the order (CPU desc, family). */
  public record After(long cpuUs, String family) {}

  /** @param more whether families follow the last one */
  public record Page(List<FamilyRow> rows, boolean more) {}

  private static final int WORST = 3;

  private final Transactions store;

  FamilyReads(Transactions store) {
    this.store = store;
  }

  /** Families by CPU, descending, at most {@code limit} of them after {@code after}, each with its worst databases. */
  public Page page(FamilyFilter f, Optional<After> after, int limit) {
    return store.read("statement families", c -> rows(c, f, List.of(), after, limit));
  }

  /** One family's totals and spread, as {@link #page} has them; empty when it did not run in the window. */
  public Optional<FamilyRow> summary(FamilyFilter f, String family) {
    return store.read("a statement family", c -> rows(c, f, List.of(family), Optional.empty(), 1)).rows().stream()
        .findFirst();
  }

  private static Page rows(Connection c, FamilyFilter f, List<String> families, Optional<After> after, int limit)
      throws SQLException {
    FamilySql q = FamilySql.of(c, f, families);
    String sql =
        """
        WITH %s,
        fam AS (
          SELECT family, CAST(floor(sum(cpu_ms) * 1000 + 0.5) AS BIGINT) AS cpu_us, max(cpu_source) AS cpu_source,
                 CAST(sum(calls) AS BIGINT) AS calls, sum(exec_ms) AS exec_ms, count(*) AS databases,
                 count(DISTINCT tenant_key) AS tenants,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY exec_ms / calls) AS median_ms,
                 percentile_cont(0.9) WITHIN GROUP (ORDER BY exec_ms / calls) AS p90_ms,
                 max(exec_ms / calls) AS worst_ms
          FROM db GROUP BY family),
        page AS (
          SELECT * FROM fam %s ORDER BY cpu_us DESC, family LIMIT %d),
        w AS (
          SELECT db.*, row_number() OVER (PARTITION BY db.family ORDER BY db.exec_ms / db.calls DESC, db.target, db.dbid)
                 AS rk
          FROM db WHERE db.family IN (SELECT family FROM page))
        SELECT p.*, w.target, w.dbid, w.database, w.queryid, w.calls AS db_calls, w.exec_ms AS db_exec_ms,
               w.cpu_ms AS db_cpu_ms, w.rk, x.query
        FROM page p JOIN w ON w.family = p.family AND w.rk <= %d
        LEFT JOIN statement_text x ON w.rk = 1 AND x.target = w.target AND x.dbid = w.dbid AND x.queryid = w.queryid
        ORDER BY p.cpu_us DESC, p.family, w.rk"""
            .formatted(q.ctes(), after.isPresent() ? "WHERE cpu_us < ? OR (cpu_us = ? AND family > ?)" : "",
                limit + 1, WORST);
    List<FamilyRow> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = q.bind(ps);
      if (after.isPresent()) {
        ps.setLong(i++, after.get().cpuUs());
        ps.setLong(i++, after.get().cpuUs());
        ps.setString(i, after.get().family());
      }
      try (ResultSet rs = ps.executeQuery()) {
        String family = null;
        List<FamilyDatabase> worst = null;
        String query = null;
        while (rs.next()) {
          if (!rs.getString("family").equals(family)) {
            family = rs.getString("family");
            worst = new ArrayList<>(WORST);
            query = rs.getString("query");
            rows.add(new FamilyRow(family, query, rs.getLong("cpu_us"), rs.getInt("cpu_source"), rs.getLong("calls"),
                rs.getDouble("exec_ms"), rs.getInt("databases"), rs.getInt("tenants"), rs.getDouble("median_ms"),
                rs.getDouble("p90_ms"), rs.getDouble("worst_ms"), worst));
          }
          worst.add(database(rs, "db_", f));
        }
      }
    }
    boolean more = rows.size() > limit;
    return new Page(more ? List.copyOf(rows.subList(0, limit)) : rows, more);
  }

  /** The fleet's per-call mean of each family (all its calls over all its databases); absent where it did not run. */
  public Map<String, Double> fleetMeans(FamilyFilter f, Collection<String> families) {
    if (families.isEmpty()) {
      return Map.of();
    }
    return store.read("statement families' means", c -> {
      FamilySql q = FamilySql.sums(c, f, List.copyOf(families));
      String sql = "WITH " + q.ctes() + "\nSELECT family, exec_ms / calls FROM fs";
      Map<String, Double> out = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        q.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getDouble(2));
          }
        }
      }
      return out;
    });
  }

  /** Every database that ran the family in the window, the highest per-call mean first. */
  public List<FamilyDatabase> databases(FamilyFilter f, String family) {
    return store.read("the databases of a statement family", c -> {
      FamilySql q = FamilySql.of(c, f, List.of(family));
      String sql =
          """
          WITH %s
          SELECT db.target, db.dbid, db.database, db.queryid, db.calls, db.exec_ms, db.cpu_ms
          FROM db
          ORDER BY db.exec_ms / db.calls DESC, db.target, db.dbid"""
              .formatted(q.ctes());
      List<FamilyDatabase> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        q.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(database(rs, "", f));
          }
        }
      }
      return out;
    });
  }

  /** One database's stored text of the family; empty when no text of it is stored. */
  public Optional<String> text(String family) {
    return store.read("a statement family's text", c -> SqlRows.list(c,
        "SELECT query FROM statement_text WHERE family = ? ORDER BY target, dbid, queryid LIMIT 1",
        rs -> rs.getString(1), family).stream().findFirst());
  }

  /** Active findings about the family's statements, in any database. */
  public List<FamilyFinding> findings(String family) {
    return store.read("a statement family's findings", c -> SqlRows.list(c,
        "SELECT id, target, dbid, queryid, kind, severity, summary FROM finding"
            + " WHERE state = 'active' AND family = ? ORDER BY target, dbid, queryid, kind",
        rs -> new FamilyFinding(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
            rs.getString(6), rs.getString(7)), family));
  }

  /** Per family, the number of active findings by kind, of the filter's target and tenant. */
  public Map<String, Map<String, Integer>> activeFindings(
      Collection<String> families, Optional<String> target, Optional<String> tenant) {
    if (families.isEmpty()) {
      return Map.of();
    }
    List<Object> params = new ArrayList<>(families);
    target.ifPresent(params::add);
    tenant.ifPresent(params::add);
    String sql = "SELECT family, kind, count(*) FROM finding WHERE state = 'active' AND family IN ("
        + families.stream().map(x -> "?").collect(Collectors.joining(", ")) + ")"
        + (target.isPresent() ? " AND target = ?" : "") + (tenant.isPresent() ? " AND tenant = ?" : "")
        + " GROUP BY family, kind";
    return store.read("statement families' findings", c -> {
      Map<String, Map<String, Integer>> out = new HashMap<>();
      for (Object[] r : SqlRows.list(c, sql, rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getInt(3)},
          params.toArray())) {
        out.computeIfAbsent((String) r[0], k -> new TreeMap<>()).put((String) r[1], (Integer) r[2]);
      }
      return out;
    });
  }

  /**
   * The family's per-call mean per time bucket: the median over every database that ran it in the bucket, and
   * the given databases' own, ordered by time. A rolled-up hour or day counts in the bucket holding its end.
   */
  public List<FamilyPoint> series(FamilyFilter f, String family, List<FamilyDatabase> of, Duration bucket) {
    long length = bucket.toNanos() / 1_000;
    String picked = of.isEmpty() ? "false"
        : of.stream().map(d -> "(target = ? AND dbid = ?)").collect(Collectors.joining(" OR "));
    return store.read("a statement family's series", c -> {
      FamilySql q = FamilySql.series(c, f, family, length);
      String sql =
          """
          WITH %s
          SELECT bucket, CAST(NULL AS VARCHAR) AS target, CAST(0 AS BIGINT) AS dbid,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY exec_ms / calls) AS mean_ms, count(*) AS calls
          FROM per GROUP BY bucket
          UNION ALL
          SELECT bucket, target, dbid, exec_ms / calls, calls FROM per WHERE %s
          ORDER BY 1, 2"""
              .formatted(q.ctes(), picked);
      List<FamilyPoint> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = q.bind(ps);
        for (FamilyDatabase d : of) {
          ps.setString(i++, d.target());
          ps.setLong(i++, d.dbId());
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long start = rs.getLong(1);
            out.add(new FamilyPoint(Columns.instant(start), Columns.instant(start + length), rs.getString(2),
                rs.getLong(3), rs.getDouble(4), rs.getLong(5)));
          }
        }
      }
      return out;
    });
  }

  private static FamilyDatabase database(ResultSet rs, String p, FamilyFilter f) throws SQLException {
    String name = rs.getString("database");
    return new FamilyDatabase(rs.getString("target"), rs.getLong("dbid"), name,
        name == null ? null : f.tenantOf().apply(name), rs.getLong("queryid"), rs.getLong(p + "calls"), rs.getDouble(p + "exec_ms"),
        rs.getDouble(p + "cpu_ms"));
  }

}

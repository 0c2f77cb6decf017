package dev.earlybird.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The common CTEs of the family reads, ending in {@code db}: per (family, target, dbid) over the window, the calls,
 * execution time, CPU ({@link CpuRank#cpu}, with Performance Insights' CPU where PI covered a statement: the hot
 * list's attribution), the least direct CPU layer used, the tenant, and the statement that ran longest there. Only
 * databases with calls count, so {@code exec_ms / calls} is safe.
 *
 * <p>Tenants come from database names by the agent's pattern, which SQL does not know: the names are read first and
 * the tenants passed back as a VALUES table ({@code tm}). SQL that DuckDB and PostgreSQL both accept: casts on sums
 * of BIGINT, no DuckDB-only syntax, no integer division.
 */
final class FamilySql {
  private final String ctes;
  private final Binder head;
  private final List<Object> rest;

  private interface Binder {
    int bind(PreparedStatement ps) throws SQLException;
  }

  private FamilySql(String ctes, Binder head, List<Object> rest) {
    this.ctes = ctes;
    this.head = head;
    this.rest = rest;
  }

  /** @param families only these families; empty = all */
  static FamilySql of(Connection c, FamilyFilter f, List<String> families) throws SQLException {
    List<Object> rest = new ArrayList<>(families);
    String onlyFamilies = families.isEmpty() ? ""
        : "AND x.family IN (" + families.stream().map(x -> "?").collect(Collectors.joining(", ")) + ")";
    String tm = tenantMap(c, f, rest);
    String sql =
        """
        %s,
        %s,
        agg AS (
          SELECT target, dbid, queryid, CAST(sum(intervals) AS BIGINT) AS intervals, %s
          FROM tiers GROUP BY target, dbid, queryid),
        st AS (
          SELECT a.target, a.dbid, a.queryid, x.family, a.calls, a.exec_ms, %s AS cpu_ms, %s AS cpu_source,
                 row_number() OVER (PARTITION BY x.family, a.target, a.dbid ORDER BY a.exec_ms DESC, a.queryid) AS pick
          FROM agg a JOIN statement_text x ON x.target = a.target AND x.dbid = a.dbid AND x.queryid = a.queryid
          LEFT JOIN pi ON pi.target = a.target AND pi.dbid = a.dbid AND pi.queryid = a.queryid
          WHERE x.family IS NOT NULL %s),
        %s,
        db AS (
          SELECT st.family, st.target, st.dbid, max(tm.tenant) AS tenant, CAST(sum(st.calls) AS BIGINT) AS calls,
                 sum(st.exec_ms) AS exec_ms, sum(st.cpu_ms) AS cpu_ms, max(st.cpu_source) AS cpu_source,
                 max(CASE WHEN st.pick = 1 THEN st.queryid END) AS queryid
          FROM st %s JOIN tm ON tm.target = st.target AND tm.dbid = st.dbid
          GROUP BY st.family, st.target, st.dbid
          HAVING sum(st.calls) > 0)"""
            .formatted(
                WindowTiers.sql(f.target().isPresent() ? "AND target = ?" : ""),
                PiTables.cpuCtes("pi"),
                Columns.SUMS,
                CpuRank.cpu("a.", "pi.pi_cpu_ms"),
                CpuRank.source("a.", "pi.pi_cpu_ms"),
                onlyFamilies,
                tm,
                f.tenant().isPresent() ? "" : "LEFT");
    return new FamilySql(sql, ps -> {
      int i = WindowTiers.bind(ps, 1, Columns.micros(f.window().from()), Columns.micros(f.window().to()),
          f.target().orElse(null));
      return PiTables.bindCpu(ps, i, f.window());
    }, rest);
  }

  /**
   * The CTEs of a family's series, ending in {@code per}: per database and time bucket of {@code bucketUs}
   * (aligned to the epoch, so UTC hours and days), the calls and execution time.
   */
  static FamilySql series(Connection c, FamilyFilter f, String family, long bucketUs) throws SQLException {
    List<Object> rest = new ArrayList<>();
    rest.add(family);
    String tm = tenantMap(c, f, rest);
    String sql =
        """
        %s, %s,
        ft AS (SELECT target, dbid, queryid FROM statement_text WHERE family = ?),
        %s,
        per AS (
          SELECT b.target, b.dbid, b.bucket, CAST(sum(b.calls) AS BIGINT) AS calls, sum(b.exec_ms) AS exec_ms
          FROM (
            SELECT t.target, t.dbid, t.calls, t.exec_ms, t.p_end - 1 - ((t.p_end - 1) %% %d) AS bucket
            FROM tiers t JOIN ft ON ft.target = t.target AND ft.dbid = t.dbid AND ft.queryid = t.queryid
            %s JOIN tm ON tm.target = t.target AND tm.dbid = t.dbid) b
          GROUP BY b.target, b.dbid, b.bucket
          HAVING sum(b.calls) > 0)"""
            .formatted(HistoryReads.WATERMARKS, HistoryReads.tiers(f.target().isPresent() ? "AND target = ?" : ""),
                tm, bucketUs, f.tenant().isPresent() ? "" : "LEFT");
    return new FamilySql(sql, ps -> {
      long from = Columns.micros(f.window().from()), to = Columns.micros(f.window().to());
      int i = 1;
      for (int tier = 0; tier < 3; tier++) {
        ps.setLong(i++, from);
        ps.setLong(i++, to);
        if (f.target().isPresent()) {
          ps.setString(i++, f.target().get());
        }
      }
      return i;
    }, rest);
  }

  /**
   * The {@code tm} CTE (target, dbid, tenant) of the databases known by name, only the filter's tenant's when it has
   * one; its values are added to {@code params}.
   */
  private static String tenantMap(Connection c, FamilyFilter f, List<Object> params) throws SQLException {
    List<String> rows = new ArrayList<>();
    for (Object[] r : SqlRows.list(c, "SELECT target, oid, name FROM target_database ORDER BY target, oid",
        rs -> new Object[] {rs.getString(1), rs.getLong(2), f.tenantOf().apply(rs.getString(3))})) {
      if (r[2] != null && (f.tenant().isEmpty() || f.tenant().get().equals(r[2]))) {
        rows.add("(CAST(? AS VARCHAR), CAST(? AS BIGINT), CAST(? AS VARCHAR))");
        params.add(r[0]);
        params.add(r[1]);
        params.add(r[2]);
      }
    }
    return rows.isEmpty()
        ? "tm AS (SELECT CAST(NULL AS VARCHAR) AS target, CAST(NULL AS BIGINT) AS dbid,"
            + " CAST(NULL AS VARCHAR) AS tenant WHERE 1 = 0)"
        : "tm(target, dbid, tenant) AS (VALUES " + String.join(", ", rows) + ")";
  }

  String ctes() {
    return ctes;
  }

  /** Binds every parameter of {@link #ctes}; returns the next index. */
  int bind(PreparedStatement ps) throws SQLException {
    int i = head.bind(ps);
    for (Object o : rest) {
      ps.setObject(i++, o);
    }
    return i;
  }
}

package dev.earlybird.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The common CTEs of the family reads, ending in {@code db}: per (family, target, dbid) over the window, the calls,
 * execution time, CPU ({@link CpuRank#cpu}, with Performance Insights' CPU where PI covered a statement: the hot
 * list's attribution), the least direct CPU layer used, the database's name and tenant key, and the statement that
 * ran longest there. Only databases with calls count, so {@code exec_ms / calls} is safe.
 *
 * <p>Tenants come from database names by the agent's pattern, which SQL does not know. Names are read first: a
 * tenant filter becomes the list of its databases' names, and the tenant key is the name itself except for names that
 * share a tenant with another name, which a CASE maps to one key per tenant (so {@code count(DISTINCT tenant_key)}
 * counts tenants). A table of every database's tenant passed as VALUES would cost more to plan than the read itself
 * with hundreds of databases. SQL that DuckDB and PostgreSQL both accept: casts on sums of BIGINT, no DuckDB-only
 * syntax, no integer division.
 */
final class FamilySql {
  private static final String SUMS =
      "CAST(sum(t.intervals) AS BIGINT) AS intervals, CAST(sum(t.calls) AS BIGINT) AS calls, sum(t.exec_ms) AS exec_ms,"
          + " sum(t.io_read_ms) AS io_read_ms, sum(t.io_write_ms) AS io_write_ms, sum(t.temp_io_ms) AS temp_io_ms,"
          + " sum(t.cpu_ms) AS cpu_ms, CAST(sum(t.cpu_intervals) AS BIGINT) AS cpu_intervals,"
          + " CAST(sum(t.io_timed_intervals) AS BIGINT) AS io_timed_intervals";

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

  /** @param families only these families (their statements are picked before summing); empty = all */
  static FamilySql of(Connection c, FamilyFilter f, List<String> families) throws SQLException {
    List<Object> rest = new ArrayList<>(families);
    String only = families.isEmpty() ? ""
        : "JOIN (SELECT target, dbid, queryid FROM statement_text WHERE family IN ("
            + families.stream().map(x -> "?").collect(Collectors.joining(", "))
            + ")) ft ON ft.target = t.target AND ft.dbid = t.dbid AND ft.queryid = t.queryid";
    Tenants tenants = Tenants.of(c, f);
    WindowTiers tiers = WindowTiers.of(c, Columns.micros(f.window().from()), Columns.micros(f.window().to()));
    String sql =
        """
        %s,
        %s,
        agg AS (
          SELECT t.target, t.dbid, t.queryid, %s
          FROM tiers t %s GROUP BY t.target, t.dbid, t.queryid),
        st AS (
          SELECT a.target, a.dbid, a.queryid, x.family, a.calls, a.exec_ms, %s AS cpu_ms, %s AS cpu_source,
                 row_number() OVER (PARTITION BY x.family, a.target, a.dbid ORDER BY a.exec_ms DESC, a.queryid) AS pick
          FROM agg a JOIN statement_text x ON x.target = a.target AND x.dbid = a.dbid AND x.queryid = a.queryid
          LEFT JOIN pi ON pi.target = a.target AND pi.dbid = a.dbid AND pi.queryid = a.queryid
          WHERE x.family IS NOT NULL),
        db AS (
          SELECT st.family, st.target, st.dbid, max(d.name) AS database, max(%s) AS tenant_key,
                 CAST(sum(st.calls) AS BIGINT) AS calls, sum(st.exec_ms) AS exec_ms, sum(st.cpu_ms) AS cpu_ms,
                 max(st.cpu_source) AS cpu_source, max(CASE WHEN st.pick = 1 THEN st.queryid END) AS queryid
          FROM st LEFT JOIN target_database d ON d.target = st.target AND d.oid = st.dbid
          %s
          GROUP BY st.family, st.target, st.dbid
          HAVING sum(st.calls) > 0)"""
            .formatted(
                tiers.sql(f.target().isPresent() ? "AND target = ?" : ""),
                PiTables.cpuCtes("pi"),
                SUMS,
                only,
                CpuRank.cpu("a.", "pi.pi_cpu_ms"),
                CpuRank.source("a.", "pi.pi_cpu_ms"),
                tenants.key("d.name", rest),
                tenants.where("d.name", rest));
    return new FamilySql(sql, ps -> {
      int i = tiers.bind(ps, 1, f.target().orElse(null));
      return PiTables.bindCpu(ps, i, f.window());
    }, rest);
  }

  /**
   * The CTEs of the given families' plain sums over the window, ending in {@code fs} (family, calls, exec_ms): no
   * CPU, so no per-statement step.
   */
  static FamilySql sums(Connection c, FamilyFilter f, List<String> families) throws SQLException {
    List<Object> rest = new ArrayList<>(families);
    Tenants tenants = Tenants.of(c, f);
    WindowTiers tiers = WindowTiers.of(c, Columns.micros(f.window().from()), Columns.micros(f.window().to()));
    String sql =
        """
        %s,
        ft AS (SELECT target, dbid, queryid, family FROM statement_text WHERE family IN (%s)),
        fs AS (
          SELECT ft.family, CAST(sum(t.calls) AS BIGINT) AS calls, sum(t.exec_ms) AS exec_ms
          FROM tiers t JOIN ft ON ft.target = t.target AND ft.dbid = t.dbid AND ft.queryid = t.queryid
          LEFT JOIN target_database d ON d.target = t.target AND d.oid = t.dbid
          %s
          GROUP BY ft.family
          HAVING sum(t.calls) > 0)"""
            .formatted(tiers.sql(f.target().isPresent() ? "AND target = ?" : ""),
                families.stream().map(x -> "?").collect(Collectors.joining(", ")), tenants.where("d.name", rest));
    return new FamilySql(sql, ps -> tiers.bind(ps, 1, f.target().orElse(null)), rest);
  }

  /**
   * The CTEs of a family's series, ending in {@code per}: per database and time bucket of {@code bucketUs}
   * (aligned to the epoch, so UTC hours and days), the calls and execution time.
   */
  static FamilySql series(Connection c, FamilyFilter f, String family, long bucketUs) throws SQLException {
    List<Object> rest = new ArrayList<>();
    rest.add(family);
    Tenants tenants = Tenants.of(c, f);
    String sql =
        """
        %s, %s,
        ft AS (SELECT target, dbid, queryid FROM statement_text WHERE family = ?),
        per AS (
          SELECT b.target, b.dbid, b.bucket, CAST(sum(b.calls) AS BIGINT) AS calls, sum(b.exec_ms) AS exec_ms
          FROM (
            SELECT t.target, t.dbid, t.calls, t.exec_ms, t.p_end - 1 - ((t.p_end - 1) %% %d) AS bucket
            FROM tiers t JOIN ft ON ft.target = t.target AND ft.dbid = t.dbid AND ft.queryid = t.queryid
            LEFT JOIN target_database d ON d.target = t.target AND d.oid = t.dbid
            %s) b
          GROUP BY b.target, b.dbid, b.bucket
          HAVING sum(b.calls) > 0)"""
            .formatted(HistoryReads.WATERMARKS, HistoryReads.tiers(f.target().isPresent() ? "AND target = ?" : ""),
                bucketUs, tenants.where("d.name", rest));
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

  /** The databases' names by tenant, as the filter's {@code tenantOf} maps them. */
  private record Tenants(Optional<String> only, Map<String, List<String>> byTenant) {
    static Tenants of(Connection c, FamilyFilter f) throws SQLException {
      Map<String, List<String>> byTenant = new TreeMap<>();
      for (String name : SqlRows.list(c, "SELECT DISTINCT name FROM target_database ORDER BY name",
          rs -> rs.getString(1))) {
        String tenant = f.tenantOf().apply(name);
        if (tenant != null) {
          byTenant.computeIfAbsent(tenant, k -> new ArrayList<>()).add(name);
        }
      }
      return new Tenants(f.tenant(), byTenant);
    }

    /** A WHERE clause keeping the filter's tenant's databases only; "" without a tenant filter. */
    String where(String name, List<Object> params) {
      if (only.isEmpty()) {
        return "";
      }
      List<String> names = byTenant.getOrDefault(only.get(), List.of());
      if (names.isEmpty()) {
        return "WHERE 1 = 0";
      }
      params.addAll(names);
      return "WHERE " + name + " IN (" + names.stream().map(x -> "?").collect(Collectors.joining(", ")) + ")";
    }

    /** One value per tenant: the name, or for names sharing a tenant, the first of them. */
    String key(String name, List<Object> params) {
      StringBuilder cases = new StringBuilder();
      for (List<String> names : byTenant.values()) {
        for (String n : names.subList(1, names.size())) {
          cases.append(" WHEN ? THEN ?");
          params.add(n);
          params.add(names.getFirst());
        }
      }
      return cases.isEmpty() ? name : "CASE " + name + cases + " ELSE " + name + " END";
    }
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

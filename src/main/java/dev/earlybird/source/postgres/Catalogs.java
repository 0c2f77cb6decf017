package dev.earlybird.source.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.DatabaseCatalog.CatalogChurn;
import dev.earlybird.model.IndexDef;
import dev.earlybird.model.RelationStats;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads what the advisor needs of one database's catalog ({@link DatabaseCatalog}) in one round trip: the user
 * tables, partitioned tables and materialized views, largest first, with their planner statistics and analyze
 * times; each one's indexes (key columns in order, expressions in parentheses, INCLUDE columns, the predicate of a
 * partial index); the schema HypoPG is created in; and the catalog churn temporary tables cause. Works on
 * PostgreSQL 13 to 18.
 *
 * <p>{@code pg_relation_size} takes a brief ACCESS SHARE lock per relation: while a migration holds one of them
 * ACCESS EXCLUSIVE, the read gives up after the lock timeout (a TIMEOUT for that database, read again next time)
 * rather than queue behind it and block the application's queries queued behind us.
 */
public final class Catalogs {
  /**
   * One row per relation, largest first, with its indexes as a JSON array (so a relation's indexes come with it and
   * the sizes are computed once). A partitioned table has no row in pg_stat_user_tables before 15: zeros then.
   */
  static final String RELATIONS = """
      /* earlybird */ WITH rel AS (
        SELECT c.oid, n.nspname, c.relname, c.relkind, c.reltuples, c.relpages,
               pg_catalog.pg_relation_size(c.oid) AS size
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'm')
           AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
           AND n.nspname !~ '^pg_(toast_)?temp_'
         ORDER BY size DESC, n.nspname, c.relname
         LIMIT %d)
      SELECT r.nspname, r.relname, r.relkind::text, r.reltuples::float8, r.relpages::int8, r.size,
             coalesce(s.n_live_tup, 0), coalesce(s.n_dead_tup, 0),
             coalesce(s.n_mod_since_analyze, 0), s.last_analyze, s.last_autoanalyze,
             (SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
                       'name', ic.relname,
                       'method', am.amname,
                       'columns', (SELECT pg_catalog.array_agg(CASE WHEN i.indkey[k - 1] = 0
                                            THEN '(' || pg_catalog.pg_get_indexdef(i.indexrelid, k, true) || ')'
                                            ELSE a.attname::text END ORDER BY k)
                                     FROM pg_catalog.generate_series(1, i.indnkeyatts) k
                                     LEFT JOIN pg_catalog.pg_attribute a
                                       ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]),
                       'include', (SELECT pg_catalog.array_agg(a.attname::text ORDER BY k)
                                     FROM pg_catalog.generate_series(i.indnkeyatts + 1, i.indnatts) k
                                     JOIN pg_catalog.pg_attribute a
                                       ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]),
                       'predicate', pg_catalog.pg_get_expr(i.indpred, i.indrelid, true),
                       'unique', i.indisunique,
                       'valid', i.indisvalid) ORDER BY ic.relname)
                FROM pg_catalog.pg_index i
                JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                JOIN pg_catalog.pg_am am ON am.oid = ic.relam
               WHERE i.indrelid = r.oid)
        FROM rel r LEFT JOIN pg_catalog.pg_stat_user_tables s ON s.relid = r.oid
       ORDER BY r.size DESC, r.nspname, r.relname""";

  /** HypoPG's schema, and the activity temporary tables leave on pg_class and pg_attribute. */
  static final String EXTRAS = """
      /* earlybird */ SELECT (SELECT n.nspname FROM pg_catalog.pg_extension e
                JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hypopg'),
             coalesce(pg_catalog.sum(n_tup_ins) FILTER (WHERE relname = 'pg_class'), 0)::int8,
             coalesce(pg_catalog.sum(n_tup_ins) FILTER (WHERE relname = 'pg_attribute'), 0)::int8,
             coalesce(pg_catalog.sum(n_dead_tup), 0)::int8
        FROM pg_catalog.pg_stat_sys_tables
       WHERE schemaname = 'pg_catalog' AND relname IN ('pg_class', 'pg_attribute')""";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Catalogs() {}

  /**
   * The catalog of the database {@code c} is connected to.
   *
   * @param maxRelations at most this many relations are read, the largest first; beyond it {@code truncated}
   * @param maxIndexes at most this many indexes are kept, those of the largest relations first; beyond it {@code
   *     truncated}
   */
  public static DatabaseCatalog read(Connection c, String target, long dbId, String database, Instant readAt,
      Duration statementTimeout, int maxRelations, int maxIndexes) throws SQLException {
    if (maxRelations < 1 || maxIndexes < 0) {
      throw new IllegalArgumentException("maxRelations must be >= 1 and maxIndexes >= 0");
    }
    var relations = new ArrayList<RelationStats>();
    var indexes = new ArrayList<IndexDef>();
    boolean truncated = false;
    Optional<String> hypopg;
    CatalogChurn churn;
    String sql = RELATIONS.formatted(maxRelations + 1) + ";\n" + EXTRAS;
    try (Statement s = c.createStatement()) {
      ReadOnlyTransaction.limitWait(s, statementTimeout);
      try (ResultSet rs = ReadOnlyTransaction.resultSet(s, s.execute(ReadOnlyTransaction.wrap(sql, statementTimeout)))) {
        while (rs.next()) {
          if (relations.size() == maxRelations) {
            truncated = true;
            break;
          }
          RelationStats r = relation(rs);
          relations.add(r);
          for (IndexDef i : indexes(r, rs.getString(12))) {
            if (indexes.size() == maxIndexes) {
              truncated = true;
              break;
            }
            indexes.add(i);
          }
        }
      }
      try (ResultSet rs = ReadOnlyTransaction.resultSet(s, s.getMoreResults())) {
        rs.next();
        hypopg = Optional.ofNullable(rs.getString(1));
        churn = new CatalogChurn(rs.getLong(2), rs.getLong(3), rs.getLong(4));
      }
    } catch (SQLException e) {
      ReadOnlyTransaction.endFailed(c, e);
      throw e;
    }
    return new DatabaseCatalog(target, dbId, database, readAt, relations, indexes, hypopg, churn, truncated);
  }

  private static RelationStats relation(ResultSet rs) throws SQLException {
    return new RelationStats(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getDouble(4),
        rs.getLong(5),
        rs.getLong(6),
        rs.getLong(7),
        rs.getLong(8),
        rs.getLong(9),
        instant(rs, 10),
        instant(rs, 11));
  }

  private static List<IndexDef> indexes(RelationStats r, String json) throws SQLException {
    if (json == null) {
      return List.of();
    }
    JsonNode all;
    try {
      all = JSON.readTree(json);
    } catch (IOException e) {
      throw new SQLException("the index list of " + r.qualifiedTable() + " is not JSON", e);
    }
    var out = new ArrayList<IndexDef>();
    for (JsonNode i : all) {
      JsonNode predicate = i.path("predicate");
      out.add(new IndexDef(r.schema(), r.table(), i.path("name").asText(), i.path("method").asText(),
          texts(i.path("columns")), texts(i.path("include")), predicate.isTextual() ? predicate.asText() : null,
          i.path("unique").asBoolean(), i.path("valid").asBoolean()));
    }
    return out;
  }

  private static List<String> texts(JsonNode array) {
    var out = new ArrayList<String>();
    array.forEach(t -> out.add(t.asText()));
    return out;
  }

  private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
    return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
  }
}

package dev.earlybird.history;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.IndexDef;
import dev.earlybird.model.RelationStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The advisor's tables ({@code plan}, {@code plan_attempt}, {@code catalog_*}); DELETE + INSERT, lists as JSON. */
record JdbcAdvisorStore(Transactions tx) implements AdvisorStore {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  @Override
  public void recordPlan(PlanAttempt a) {
    StatementRef s = a.statement();
    long at = Columns.micros(a.at());
    tx.write("plan of " + s.target() + "/" + s.dbId() + "/" + s.queryId(), c -> {
      SqlRows.update(c, "DELETE FROM plan_attempt WHERE target = ? AND db_id = ? AND query_id = ?", s.target(),
          s.dbId(), s.queryId());
      SqlRows.update(c, "INSERT INTO plan_attempt (target, db_id, query_id, at_us, outcome, detail, shape_hash)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)", s.target(), s.dbId(), s.queryId(), at, a.outcome(), a.detail(),
          a.shapeHash());
      if (!a.planned()) {
        return;
      }
      int updated = SqlRows.update(c, "UPDATE plan SET last_seen_us = ?, total_cost = ?, plan_json = ?"
          + " WHERE target = ? AND db_id = ? AND query_id = ? AND shape_hash = ?", at, a.totalCost(), a.json(),
          s.target(), s.dbId(), s.queryId(), a.shapeHash());
      if (updated == 0) {
        SqlRows.update(c, "INSERT INTO plan (target, db_id, query_id, shape_hash, first_seen_us, last_seen_us,"
            + " total_cost, plan_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", s.target(), s.dbId(), s.queryId(),
            a.shapeHash(), at, at, a.totalCost(), a.json());
      }
    });
  }

  @Override
  public List<StoredPlan> plans(StatementRef s) {
    return tx.read("plans", c -> SqlRows.list(c, """
        SELECT shape_hash, first_seen_us, last_seen_us, total_cost, plan_json FROM plan
         WHERE target = ? AND db_id = ? AND query_id = ? ORDER BY last_seen_us DESC, shape_hash""",
        rs -> new StoredPlan(s, rs.getString(1), Columns.instant(rs.getLong(2)), Columns.instant(rs.getLong(3)),
            rs.getDouble(4), rs.getString(5)), s.target(), s.dbId(), s.queryId()));
  }

  @Override
  public Optional<PlanAttempt> lastAttempt(StatementRef s) {
    return tx.read("plan attempt", c -> SqlRows.list(c, """
        SELECT a.at_us, a.outcome, a.detail, a.shape_hash, p.total_cost, p.plan_json FROM plan_attempt a
          LEFT JOIN plan p ON p.target = a.target AND p.db_id = a.db_id AND p.query_id = a.query_id
           AND p.shape_hash = a.shape_hash
         WHERE a.target = ? AND a.db_id = ? AND a.query_id = ?""",
        rs -> {
          double cost = rs.getDouble(5);
          return new PlanAttempt(s, Columns.instant(rs.getLong(1)), rs.getString(2), rs.getString(3),
              rs.getString(4), rs.wasNull() ? Double.NaN : cost, rs.getString(6));
        }, s.target(), s.dbId(), s.queryId())).stream().findFirst();
  }

  @Override
  public Map<StatementRef, Instant> lastAttempts(String target) {
    Map<StatementRef, Instant> out = new HashMap<>();
    tx.read("plan attempts", c -> SqlRows.list(c,
        "SELECT db_id, query_id, at_us FROM plan_attempt WHERE target = ?",
        rs -> out.put(new StatementRef(target, rs.getLong(1), rs.getLong(2)), Columns.instant(rs.getLong(3))),
        target));
    return out;
  }

  @Override
  public List<StatementRef> temporaryTableCreators(int limit) {
    return tx.read("temporary table statements", c -> SqlRows.list(c, """
        SELECT target, dbid, queryid FROM statement_text
         WHERE lower(query) LIKE '%create%temp%table%' ORDER BY target, dbid, queryid LIMIT ?""",
        rs -> new StatementRef(rs.getString(1), rs.getLong(2), rs.getLong(3)), limit));
  }

  @Override
  public void saveCatalog(DatabaseCatalog d) {
    tx.write("catalog of " + d.target() + "/" + d.database(), c -> {
      for (String table : List.of("catalog_database", "catalog_relation", "catalog_index")) {
        SqlRows.update(c, "DELETE FROM " + table + " WHERE target = ? AND db_id = ?", d.target(), d.dbId());
      }
      SqlRows.update(c, "INSERT INTO catalog_database (target, db_id, database, read_us, hypopg_schema,"
          + " class_inserts, attribute_inserts, dead_tuples, truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          d.target(), d.dbId(), d.database(), Columns.micros(d.readAt()), d.hypopgSchema().orElse(null),
          d.churn().pgClassInserts(), d.churn().pgAttributeInserts(), d.churn().deadTuples(), d.truncated());
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO catalog_relation (target, db_id, schema_name,"
          + " table_name, kind, reltuples, relpages, size_bytes, n_live_tup, n_dead_tup, n_mod_since_analyze,"
          + " last_analyze_us, last_autoanalyze_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (RelationStats r : d.relations()) {
          int i = 1;
          ps.setString(i++, d.target());
          ps.setLong(i++, d.dbId());
          ps.setString(i++, r.schema());
          ps.setString(i++, r.table());
          ps.setString(i++, r.kind());
          ps.setDouble(i++, r.reltuples());
          ps.setLong(i++, r.relpages());
          ps.setLong(i++, r.sizeBytes());
          ps.setLong(i++, r.nLiveTup());
          ps.setLong(i++, r.nDeadTup());
          ps.setLong(i++, r.nModSinceAnalyze());
          setInstant(ps, i++, r.lastAnalyze());
          setInstant(ps, i, r.lastAutoanalyze());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO catalog_index (target, db_id, schema_name,"
          + " table_name, name, method, columns, include_columns, predicate, is_unique, is_valid)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (IndexDef x : d.indexes()) {
          int i = 1;
          ps.setString(i++, d.target());
          ps.setLong(i++, d.dbId());
          ps.setString(i++, x.schema());
          ps.setString(i++, x.table());
          ps.setString(i++, x.name());
          ps.setString(i++, x.method());
          ps.setString(i++, AlertTables.json(x.columns()));
          ps.setString(i++, AlertTables.json(x.include()));
          ps.setString(i++, x.predicate());
          ps.setBoolean(i++, x.unique());
          ps.setBoolean(i, x.valid());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
  }

  private static void setInstant(PreparedStatement ps, int i, Optional<Instant> t) throws SQLException {
    if (t.isPresent()) {
      ps.setLong(i, Columns.micros(t.get()));
    } else {
      ps.setNull(i, Types.BIGINT);
    }
  }

  @Override
  public Optional<DatabaseCatalog> catalog(String target, long dbId) {
    return tx.read("catalog", c -> read(c, " WHERE target = ? AND db_id = ?", target, dbId)).stream().findFirst();
  }

  @Override
  public List<DatabaseCatalog> catalogs() {
    return tx.read("catalogs", c -> read(c, ""));
  }

  private record Key(String target, long dbId) {}

  private static List<DatabaseCatalog> read(Connection c, String where, Object... params) throws SQLException {
    Map<Key, List<RelationStats>> relations = new HashMap<>();
    SqlRows.list(c, "SELECT target, db_id, schema_name, table_name, kind, reltuples, relpages, size_bytes,"
        + " n_live_tup, n_dead_tup, n_mod_since_analyze, last_analyze_us, last_autoanalyze_us FROM catalog_relation"
        + where + " ORDER BY target, db_id, schema_name, table_name", rs -> relations
        .computeIfAbsent(new Key(rs.getString(1), rs.getLong(2)), k -> new ArrayList<>())
        .add(new RelationStats(rs.getString(3), rs.getString(4), rs.getString(5), rs.getDouble(6), rs.getLong(7),
            rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11),
            SqlRows.optionalInstant(rs, "last_analyze_us"), SqlRows.optionalInstant(rs, "last_autoanalyze_us"))),
        params);
    Map<Key, List<IndexDef>> indexes = new HashMap<>();
    SqlRows.list(c, "SELECT target, db_id, schema_name, table_name, name, method, columns, include_columns,"
        + " predicate, is_unique, is_valid FROM catalog_index" + where
        + " ORDER BY target, db_id, schema_name, table_name, name", rs -> indexes
        .computeIfAbsent(new Key(rs.getString(1), rs.getLong(2)), k -> new ArrayList<>())
        .add(new IndexDef(rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
            AlertTables.parse(rs.getString(7), STRINGS), AlertTables.parse(rs.getString(8), STRINGS),
            rs.getString(9), rs.getBoolean(10), rs.getBoolean(11))), params);
    Map<Key, DatabaseCatalog> out = new LinkedHashMap<>();
    SqlRows.list(c, "SELECT target, db_id, database, read_us, hypopg_schema, class_inserts, attribute_inserts,"
        + " dead_tuples, truncated FROM catalog_database" + where + " ORDER BY target, database", rs -> {
          Key k = new Key(rs.getString(1), rs.getLong(2));
          return out.put(k, new DatabaseCatalog(k.target(), k.dbId(), rs.getString(3), Columns.instant(rs.getLong(4)),
              relations.getOrDefault(k, List.of()), indexes.getOrDefault(k, List.of()),
              Optional.ofNullable(rs.getString(5)),
              new DatabaseCatalog.CatalogChurn(rs.getLong(6), rs.getLong(7), rs.getLong(8)), rs.getBoolean(9)));
        }, params);
    return new ArrayList<>(out.values());
  }
}

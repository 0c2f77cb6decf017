package dev.earlybird.analysis;

import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.IndexDef;
import dev.earlybird.model.RelationStats;
import dev.earlybird.model.Subject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Catalogs, plans and statements for the advisor's rule tests. */
final class Catalogs {
  static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  private Catalogs() {}

  /** A table analyzed an hour ago, with nothing changed since. */
  static RelationStats table(String schema, String table, double rows) {
    return new RelationStats(schema, table, "r", rows, (long) (rows / 100), (long) (rows * 80), (long) rows, 0, 0,
        Optional.empty(), Optional.of(NOW.minusSeconds(3600)));
  }

  static IndexDef btree(String schema, String table, String name, String... columns) {
    return new IndexDef(schema, table, name, "btree", List.of(columns), List.of(), null, false, true);
  }

  static DatabaseCatalog catalog(String target, long dbId, String database, List<RelationStats> relations,
      List<IndexDef> indexes) {
    return new DatabaseCatalog(target, dbId, database, NOW, relations, indexes, Optional.empty(),
        DatabaseCatalog.CatalogChurn.NONE, false);
  }

  static Subject.Statement statement(String target, long dbId, String database, long queryId) {
    return new Subject.Statement(target, dbId, database, "acme", queryId, "orders by customer");
  }

  /**
   * EXPLAIN (VERBOSE, FORMAT JSON) captured from a real server (test resources under plans/). The *-pg15 plans are
   * generic plans as the advisor makes them on 13-15 (PREPARE, plan_cache_mode = force_generic_plan, EXPLAIN EXECUTE
   * with NULLs), from Debian's PostgreSQL 15 with {@code orders} (200,000 rows; customer_id 5,000 values, status 3)
   * and {@code customers}; the seq-scan-customer ones with orders_customer_idx dropped.
   */
  static PlanShape plan(String name) {
    try (InputStream in = Catalogs.class.getResourceAsStream("/plans/" + name)) {
      return PlanShape.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

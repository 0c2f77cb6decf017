package dev.earlybird.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Moves a history into a new store: every row of every table of an embedded store, copied into an empty PostgreSQL
 * store of the same schema in ONE transaction, so a copy that fails leaves the new store empty and can simply be run
 * again. The intervals are then partitioned by day as the agent keeps them, the outbox's id sequence goes past the
 * copied ids, and each table's row count is compared with the source's before the commit.
 */
public final class StoreCopy {
  /** Tables the new store made itself and must not receive: its own schema's record. */
  private static final List<String> OWN = List.of("schema_version");

  /** One table copied. */
  public record Copied(String table, long rows, Duration took) {}

  private StoreCopy() {}

  /**
   * Copies {@code from} into {@code to}.
   *
   * @param from the store to copy, opened read-only (its agent stopped: the file is held by one process)
   * @param to a new PostgreSQL store, opened by this build (so its schema is this build's), holding no history yet
   * @param progress told of each table as it is done
   * @return what was copied, table by table
   * @throws HistoryException what is wrong (a store that holds history already, a schema that differs), and how to
   *     fix it; nothing was written
   */
  public static List<Copied> copy(JdbcHistoryStore from, JdbcHistoryStore to, Consumer<Copied> progress) {
    String target = to.where();
    List<Copied> done = new ArrayList<>();
    from.read("every table", src -> {
      Map<String, List<String>> tables = tables(src);
      to.transactions.write("copy the history from " + from.where(), dst -> {
        long held = count(dst, "poll") + count(dst, "target");
        if (held > 0) {
          throw new HistoryException("history store " + target + " holds history already (" + held + " rows of polls "
              + "and targets): copy only into a new, empty store — create a new database for it, or drop this one's "
              + "tables if their history is not needed");
        }
        for (var t : tables.entrySet()) {
          long started = System.nanoTime();
          long rows = copyTable(src, dst, t.getKey(), t.getValue());
          long expected = count(src, t.getKey());
          if (rows != expected) {
            throw new HistoryException("copying " + t.getKey() + " gave " + rows + " rows, but " + from.where()
                + " holds " + expected + ": nothing was copied; is an agent writing it?");
          }
          Copied c = new Copied(t.getKey(), rows, Duration.ofNanos(System.nanoTime() - started));
          done.add(c);
          progress.accept(c);
        }
        IntervalPartitions.prepare(dst, Instant.now());
        try (var s = dst.createStatement()) {
          // The next alert queued gets an id past the copied ones.
          s.execute("SELECT pg_catalog.setval('outbox_id', (SELECT coalesce(max(id), 0) + 1 FROM outbox), false)");
        }
      });
      return null;
    });
    return done;
  }

  /** The source's tables with their columns in order, but the schema record, which the new store has of its own. */
  private static Map<String, List<String>> tables(Connection src) throws SQLException {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    try (var s = src.createStatement();
        ResultSet rs = s.executeQuery("""
            SELECT c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = 'main' AND t.table_type = 'BASE TABLE'
            ORDER BY c.table_name, c.ordinal_position""")) {
      while (rs.next()) {
        String table = rs.getString(1);
        if (!OWN.contains(table)) {
          tables.computeIfAbsent(table, k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    return tables;
  }

  /** Streams one table's rows into the same table of the new store, by column name. */
  private static long copyTable(Connection src, Connection dst, String table, List<String> columns)
      throws SQLException {
    String list = String.join(", ", columns);
    long rows = 0;
    // Names from the source's catalog, which this build's migrations made: never input.
    try (PreparedStatement ps = src.prepareStatement("SELECT " + list + " FROM " + table);
        BulkRows out = BulkRows.into(dst, table + " (" + list + ")")) {
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        int n = columns.size();
        while (rs.next()) {
          for (int i = 1; i <= n; i++) {
            add(out, rs.getObject(i), table, columns.get(i - 1));
          }
          out.endRow();
          rows++;
        }
      }
    }
    return rows;
  }

  private static void add(BulkRows out, Object v, String table, String column) throws SQLException {
    switch (v) {
      case null -> out.addNull();
      case Long l -> out.add(l.longValue());
      case Integer i -> out.add(i.intValue());
      case Short s -> out.add(s.intValue());
      case Double d -> out.add(d.doubleValue());
      case Float f -> out.add(f.doubleValue());
      case Boolean b -> out.add(b.booleanValue());
      case String s -> out.add(s);
      case java.math.BigInteger b -> out.add(b.longValueExact());
      case java.math.BigDecimal b -> out.add(b.toPlainString());
      // DATE and TIMESTAMP columns print as PostgreSQL reads them (ISO 8601).
      case java.time.temporal.TemporalAccessor t -> out.add(t.toString());
      case java.util.Date d -> out.add(d.toString());
      default -> throw new HistoryException("cannot copy " + table + "." + column + ": a value of type "
          + v.getClass().getName() + " has no PostgreSQL form here");
    }
  }

  private static long count(Connection c, String table) throws SQLException {
    try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

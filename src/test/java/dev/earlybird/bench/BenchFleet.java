package dev.earlybird.bench;

import dev.earlybird.testing.PgServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A SaaS-like fleet on one server: {@code databases} tenant databases cloned from one template (so queryids
 * repeat across databases, as in production), each with {@code statementsPerDb} distinct statement shapes, so
 * pg_stat_statements holds about {@code databases * statementsPerDb} entries.
 *
 * <p>Shapes: {@value #TABLES} tables of {@value #COLUMNS} int columns; shape i selects column {@code i %
 * COLUMNS} of table {@code (i / COLUMNS) % TABLES} filtered on the next column, with a different number of
 * selected columns per "layer" when more than TABLES*COLUMNS shapes are asked for. Every shape normalizes to a
 * different text, hence a different queryid.
 */
final class BenchFleet {
  static final int TABLES = 10;
  static final int COLUMNS = 10;
  static final String TEMPLATE = "bench_template";

  private final PgServer server;
  private final int databases;
  private final int statementsPerDb;
  private final List<String> shapes;

  BenchFleet(PgServer server, int databases, int statementsPerDb) {
    if (statementsPerDb > TABLES * COLUMNS * (COLUMNS - 1)) {
      throw new IllegalArgumentException("at most " + TABLES * COLUMNS * (COLUMNS - 1) + " statements per database");
    }
    this.server = server;
    this.databases = databases;
    this.statementsPerDb = statementsPerDb;
    this.shapes = shapes(statementsPerDb);
  }

  static String database(int i) {
    return "tenant_%03d".formatted(i);
  }

  /** Creates the template and the tenant databases, then runs every shape {@code executions} times in each. */
  void create(int executions, Consumer<String> progress) throws SQLException {
    server.createDatabase(TEMPLATE);
    var ddl = new ArrayList<String>();
    for (int t = 0; t < TABLES; t++) {
      var cols = new StringBuilder();
      for (int c = 0; c < COLUMNS; c++) {
        cols.append(c == 0 ? "" : ", ").append("c").append(c).append(" int");
      }
      ddl.add("CREATE TABLE t%d (%s)".formatted(t, cols));
      ddl.add("INSERT INTO t%d SELECT %s FROM generate_series(1, 20) g".formatted(t, "g, ".repeat(COLUMNS - 1) + "g"));
    }
    server.execute(TEMPLATE, ddl.toArray(String[]::new));
    long t0 = System.nanoTime();
    for (int d = 0; d < databases; d++) {
      server.execute("postgres", "CREATE DATABASE " + database(d) + " TEMPLATE " + TEMPLATE);
      if ((d + 1) % 20 == 0 || d + 1 == databases) {
        progress.accept("created %d/%d databases (%.1f s)".formatted(d + 1, databases, seconds(t0)));
      }
    }
    long t1 = System.nanoTime();
    for (int d = 0; d < databases; d++) {
      run(d, 0, statementsPerDb, executions);
      if ((d + 1) % 20 == 0 || d + 1 == databases) {
        progress.accept(
            "ran %d shapes x %d in %d/%d databases (%.1f s)"
                .formatted(statementsPerDb, executions, d + 1, databases, seconds(t1)));
      }
    }
  }

  /**
   * Runs {@code count} statements spread over a few databases, a different slice each round, so a steady-state
   * poll sees that many changed entries among thousands of idle ones.
   */
  void churn(int round, int count) throws SQLException {
    // Ten statements in each of the next databases, or more per database when ten each cannot reach the count (a
    // churn above 10% of the entries, to find where probing stops paying).
    int perDb = Math.min(statementsPerDb, Math.max(10, (count + databases - 1) / databases));
    int dbs = Math.max(1, (count + perDb - 1) / perDb);
    int left = count;
    for (int i = 0; i < dbs && left > 0; i++) {
      int d = Math.floorMod(round * dbs + i, databases);
      int n = Math.min(perDb, left);
      run(d, Math.floorMod(round * perDb, statementsPerDb), n, 1);
      left -= n;
    }
  }

  private void run(int db, int firstShape, int count, int executions) throws SQLException {
    try (Connection c = server.superuser(database(db))) {
      for (int i = 0; i < count; i++) {
        String sql = shapes.get((firstShape + i) % statementsPerDb);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          for (int e = 0; e < executions; e++) {
            ps.setInt(1, e + 1);
            ps.executeQuery().close();
          }
        }
      }
    }
  }

  private static List<String> shapes(int n) {
    var result = new ArrayList<String>(n);
    for (int i = 0; i < n; i++) {
      int column = i % COLUMNS;
      int table = (i / COLUMNS) % TABLES;
      int width = 1 + i / (TABLES * COLUMNS); // extra selected columns make more shapes than tables*columns
      var select = new StringBuilder();
      for (int w = 0; w < width; w++) {
        select.append(w == 0 ? "" : ", ").append("c").append((column + w) % COLUMNS);
      }
      result.add("SELECT %s FROM t%d WHERE c%d = ?".formatted(select, table, (column + width) % COLUMNS));
    }
    return List.copyOf(result);
  }

  /** Statements run per database (each a pg_stat_statements entry). */
  int statementsPerDb() {
    return statementsPerDb;
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}

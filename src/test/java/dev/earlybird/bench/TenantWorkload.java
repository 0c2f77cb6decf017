package dev.earlybird.bench;

import dev.earlybird.testing.PgServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A light, steady workload on a {@link BenchFleet}'s tenant databases: every database runs {@code perMinute}
 * statements a minute (one session a minute, spread evenly over the minute across databases), picked from the first
 * {@code shapes} of the fleet's statement shapes plus one small update, from a few threads of the bench process.
 */
final class TenantWorkload implements AutoCloseable {
  private final PgServer server;
  private final int databases;
  private final int perMinute;
  private final int shapes;
  private final ScheduledExecutorService pool;
  private final AtomicLong statements = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();

  TenantWorkload(PgServer server, int databases, int perMinute, int shapes, int threads) {
    this.server = server;
    this.databases = databases;
    this.perMinute = perMinute;
    this.shapes = shapes;
    this.pool = Executors.newScheduledThreadPool(threads, r -> Thread.ofPlatform().daemon().name("tenant-load").unstarted(r));
  }

  void start() {
    long periodMs = 60_000;
    for (int d = 0; d < databases; d++) {
      int db = d;
      pool.scheduleAtFixedRate(() -> session(db), d * periodMs / databases, periodMs, TimeUnit.MILLISECONDS);
    }
  }

  /** The statement shape i of {@link BenchFleet} (one selected column), or the update when i == shapes. */
  private String sql(int i) {
    if (i == shapes) {
      return "UPDATE t0 SET c1 = c1 WHERE c0 = ?";
    }
    int column = i % BenchFleet.COLUMNS;
    int table = (i / BenchFleet.COLUMNS) % BenchFleet.TABLES;
    return "SELECT c%d FROM t%d WHERE c%d = ?".formatted(column, table, (column + 1) % BenchFleet.COLUMNS);
  }

  private void session(int db) {
    try (Connection c = server.superuser(BenchFleet.database(db))) {
      for (int n = 0; n < perMinute; n++) {
        try (PreparedStatement ps = c.prepareStatement(sql(ThreadLocalRandom.current().nextInt(shapes + 1)))) {
          ps.setInt(1, 1 + ThreadLocalRandom.current().nextInt(20));
          ps.execute();
        }
        statements.incrementAndGet();
      }
    } catch (SQLException e) {
      errors.incrementAndGet();
    }
  }

  long statements() {
    return statements.get();
  }

  long errors() {
    return errors.get();
  }

  @Override
  public void close() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(30, TimeUnit.SECONDS);
  }
}

package dev.earlybird.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * On each store, kills a child JVM that writes polls continuously (SIGKILL, at random moments) and checks after each kill
 * that the store opens, every recorded poll is complete, nothing is duplicated, the persisted last snapshot
 * is that of the last committed poll, no calls are lost or counted twice, and writing continues.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class CrashSafetyIT {
  @Parameter StoreKind kind;
  @TempDir Path dir;

  @Test
  void killedWritersLeaveAConsistentStore() throws Exception {
    String store = kind.locator(dir);
    Random random = new Random(42);
    long lastPrinted = -1;
    for (int round = 0; round < 5; round++) {
      AtomicLong printed = new AtomicLong(-1);
      Process child = start(store, printed);
      try {
        long goal = lastPrinted + 3 + random.nextInt(12);
        await().atMost(Duration.ofMinutes(2)).until(() -> printed.get() >= goal || !child.isAlive());
        assertThat(child.isAlive()).as("child still writing").isTrue();
        if (round == 0) {
          assertThatThrownBy(() -> kind.open(dir))
              .isInstanceOf(StoreInUseException.class)
              .hasMessageContaining(kind == StoreKind.DUCKDB ? store : "history store jdbc:postgresql:")
              .hasMessageContaining("another");
        }
      } finally {
        child.destroyForcibly();
        child.waitFor();
      }
      lastPrinted = Math.max(lastPrinted, printed.get());
      verify(lastPrinted);
    }
  }

  /**
   * Opens the store as the next agent would. PostgreSQL ends the killed writer's session (and frees its writer lock)
   * once it sees the connection closed, a moment after the kill.
   */
  private JdbcHistoryStore reopen() {
    AtomicReference<JdbcHistoryStore> opened = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(30)).ignoreException(StoreInUseException.class)
        .until(() -> opened.compareAndSet(null, kind.open(dir)));
    return opened.get();
  }

  private void verify(long lastPrinted) {
    try (var store = reopen()) {
      long maxSeq = query(store, "SELECT max(taken_at_us) FROM poll");
      long seq = CrashWriterMain.seqOf(Columns.instant(maxSeq));
      assertThat(seq).as("every printed commit is durable").isGreaterThanOrEqualTo(lastPrinted);
      assertThat(query(store,
          """
          -- A join, not a correlated count: PostgreSQL would run that once per poll (a child writes a thousand).
          SELECT count(*) FROM poll p
          LEFT JOIN (SELECT target, end_us, count(*) AS n FROM statement_interval GROUP BY target, end_us) i
            ON i.target = p.target AND i.end_us = p.taken_at_us
          WHERE p.intervals <> coalesce(i.n, 0)"""))
          .isZero();
      assertThat(query(store,
          """
          SELECT count(*) FROM statement_interval i
          WHERE NOT EXISTS (SELECT 1 FROM poll p WHERE p.target = i.target AND p.taken_at_us = i.end_us)"""))
          .isZero();
      assertThat(query(store,
          "SELECT count(*) FROM (SELECT taken_at_us FROM poll GROUP BY taken_at_us HAVING count(*) > 1) d"))
          .isZero();
      assertThat(query(store,
          """
          SELECT count(*) FROM (SELECT 1 FROM statement_interval
            GROUP BY target, dbid, userid, queryid, toplevel, end_us HAVING count(*) > 1) d"""))
          .isZero();
      assertThat(query(store, "SELECT count(*) FROM poll")).isEqualTo(seq + 1);
      assertThat(store.lastSnapshot(CrashWriterMain.TARGET)).contains(CrashWriterMain.snapshotAt(seq));
      // No gap, no double counting: the intervals of each stable key add up to its counter's growth.
      List<long[]> sums = store.read("sums", c -> {
        var out = new java.util.ArrayList<long[]>();
        try (var rs = c.createStatement().executeQuery(
            "SELECT queryid, CAST(sum(calls) AS BIGINT) FROM statement_interval WHERE queryid < 100000 GROUP BY queryid")) {
          while (rs.next()) {
            out.add(new long[] {rs.getLong(1), rs.getLong(2)});
          }
        }
        return out;
      });
      for (long[] s : sums) {
        int i = (int) s[0];
        assertThat(s[1]).as("calls of key %d", i)
            .isEqualTo(CrashWriterMain.callsAt(i, seq) - CrashWriterMain.callsAt(i, 0));
      }
    }
  }

  private static long query(JdbcHistoryStore store, String sql) {
    Long v = store.read(sql, c -> single(c, sql));
    return v;
  }

  private static long single(Connection c, String sql) throws SQLException {
    try (var rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Process start(String store, AtomicLong printed) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var pb = new ProcessBuilder(
        java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        CrashWriterMain.class.getName(), store);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    Thread.ofPlatform().daemon(true).start(() -> {
      try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.startsWith("committed ")) {
            printed.set(Long.parseLong(line.substring("committed ".length())));
          }
        }
      } catch (java.io.IOException e) {
        // the child was killed
      }
    });
    return p;
  }
}

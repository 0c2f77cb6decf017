package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.testing.Csv;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report} and {@code baseline} as a DBA uses them, with the real jar: while the agent runs they go
 * through its API (it holds the store); after it stops they read the store file. A baseline pinned before an
 * index is dropped shows the statement that got slower first.
 */
class ReportIT {
  static final Duration CLI = Duration.ofSeconds(60);
  static final String DB = "report_shop";
  static final String TOKEN = "report-it-token-0123456789";
  /** A line break and a quoted alias with a comma: the table must fold it, CSV must quote it. */
  static final String LOOKUP = "SELECT id AS \"item,id\"\n  FROM items\n WHERE sku = ?";
  static final String LOOKUP_AS_STORED = LOOKUP.replace("?", "$1");
  static final int CALLS = 150;
  final ObjectMapper json = new ObjectMapper();

  private static void lookups(PgServer pg) throws SQLException {
    try (Connection c = pg.superuser(DB); PreparedStatement ps = c.prepareStatement(LOOKUP)) {
      for (int i = 0; i < CALLS; i++) {
        ps.setString(1, "sku-" + (i * 7919 % 200_000));
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
        }
      }
    }
  }

  private static String lookupQueryId(PgServer pg) throws SQLException {
    try (Connection c = pg.superuser("postgres");
        PreparedStatement ps = c.prepareStatement(
            "SELECT s.queryid FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = ? AND s.query = ?")) {
      ps.setString(1, DB);
      ps.setString(2, LOOKUP_AS_STORED);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("the lookup is in pg_stat_statements").isTrue();
        return Long.toString(rs.getLong(1));
      }
    }
  }

  /** Calls of the statement the agent has stored since {@code from}, as its API says. */
  private static long storedCalls(AgentProcess agent, String queryId, Instant from) throws Exception {
    JsonNode hot = agent.json("/api/v1/hot-queries?target=main&limit=1000&from=" + from + "&to=" + Instant.now().plusSeconds(60));
    long calls = 0;
    for (JsonNode q : hot.get("queries")) {
      if (q.get("queryId").asText().equals(queryId)) {
        calls += q.get("calls").asLong();
      }
    }
    return calls;
  }

  private static AgentProcess.Separate cli(Path config, String... args) throws Exception {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--config";
    all[args.length + 1] = config.toString();
    return AgentProcess.runApart(CLI, all);
  }

  @Test
  void reportAndBaselinesThroughTheRunningAgentThenFromTheStore(@TempDir Path dir) throws Exception {
    PgServer pg = PostgresServers.shared(17);
    pg.createDatabase(DB);
    try (Connection c = pg.superuser(DB); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id int PRIMARY KEY, sku text NOT NULL, pad text NOT NULL)");
      s.execute("INSERT INTO items SELECT g, 'sku-' || g, repeat('x', 100) FROM generate_series(0, 199999) g");
      s.execute("CREATE INDEX items_sku ON items (sku)");
      s.execute("ANALYZE items");
    }
    int port = AgentProcess.freePort();
    Path store = dir.resolve("history.duckdb");
    Path cfg = dir.resolve("earlybird.yml");
    String yaml = """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 1s, textRefresh: 1s }
        targets:
          - name: main
            url: "%s"
            user: postgres
            databases: { include: ["^%s$"] }
        tenants:
          pattern: "^report_(?<tenant>.+)$"
        web: { token: "%s" }
        """.formatted(port, store, pg.jdbcUrl("postgres"), DB, TOKEN);
    Files.writeString(cfg, yaml);
    // The same agent, but this config's listen address has nobody behind it.
    Path wrongPort = dir.resolve("wrong-port.yml");
    Files.writeString(wrongPort, yaml.replace("127.0.0.1:" + port, "127.0.0.1:" + AgentProcess.freePort()));
    String through = "asking the running agent at http://127.0.0.1:" + port + "/ instead";

    // Milliseconds: the store keeps microseconds, and the baseline's window is printed back.
    Instant start = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
    String queryId;
    Instant pinnedTo;
    Instant afterDrop;
    try (AgentProcess agent = AgentProcess.run(cfg, port, dir.resolve("agent.log"))) {
      // The first poll is the starting point: what ran before it is not in any interval.
      await("first poll").atMost(Duration.ofSeconds(30))
          .until(() -> !agent.json("/api/v1/targets").get(0).get("lastPollAt").isNull());
      lookups(pg); // fast: an index scan per call
      queryId = lookupQueryId(pg);
      await("lookups stored").atMost(Duration.ofSeconds(30))
          .until(() -> storedCalls(agent, queryId, start) == CALLS);

      AgentProcess.Separate hot = cli(cfg, "report", "--format", "json", "--target", "main", "--from", start.toString());
      assertThat(hot.exitCode()).as(hot.err()).isZero();
      assertThat(hot.err().strip()).endsWith(through).contains("in use by another process");
      JsonNode lookup = null;
      for (JsonNode q : json.readTree(hot.out()).get("queries")) {
        if (q.get("queryId").asText().equals(queryId)) {
          lookup = q;
        }
      }
      assertThat(lookup).as("the lookup in %s", hot.out()).isNotNull();
      assertThat(lookup.get("calls").asLong()).isEqualTo(CALLS);
      assertThat(lookup.get("database").asText()).isEqualTo(DB);
      assertThat(lookup.get("tenant").asText()).isEqualTo("shop");
      assertThat(lookup.get("query").asText()).isEqualTo(LOOKUP_AS_STORED);
      assertThat(lookup.get("cpuSource").asText()).isEqualTo("exec_minus_io");

      pinnedTo = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      AgentProcess.Separate pin = cli(cfg, "baseline", "pin", "before-drop", "--from", start.toString(),
          "--to", pinnedTo.toString(), "--target", "main");
      assertThat(pin.exitCode()).as(pin.err()).isZero();
      assertThat(pin.out()).startsWith("Pinned baseline before-drop: ").contains("of target main");
      assertThat(pin.err()).contains(through);
      assertThat(cli(cfg, "baseline", "list").out()).contains("before-drop", "main");

      AgentProcess.Separate nobody = cli(wrongPort, "report");
      assertThat(nobody.exitCode()).isEqualTo(1);
      assertThat(nobody.err()).contains("the history store " + store + " is in use by another process")
          .contains("no Earlybird agent answers at http://127.0.0.1:");

      // The statement gets slower: without its index every call scans the table.
      pg.execute(DB, "DROP INDEX items_sku");
      afterDrop = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      lookups(pg);
      await("slow lookups stored").atMost(Duration.ofSeconds(60))
          .until(() -> storedCalls(agent, queryId, afterDrop) == CALLS);

      AgentProcess.Separate against = cli(cfg, "report", "--against", "before-drop", "--from", afterDrop.toString(),
          "--format", "json");
      assertThat(against.exitCode()).as(against.err()).isZero();
      JsonNode worst = json.readTree(against.out()).get("changes").get(0);
      assertThat(worst.get("queryId").asText()).as(against.out()).isEqualTo(queryId);
      assertThat(worst.get("status").asText()).isEqualTo("both");
      assertThat(worst.get("beforeCalls").asLong()).isEqualTo(CALLS);
      assertThat(worst.get("afterCalls").asLong()).isEqualTo(CALLS);
      assertThat(worst.get("afterMeanMs").asDouble()).isGreaterThan(worst.get("beforeMeanMs").asDouble());
      assertThat(worst.get("ratio").asDouble()).isGreaterThan(1);
      assertThat(worst.get("extraMs").asDouble()).isPositive();

      assertThat(agent.stop()).isIn(0, 143);
      assertThat(agent.log()).doesNotContain(TOKEN);
    }

    // The agent is gone: the same commands read the store file, and say nothing about an agent.
    AgentProcess.Separate csv = cli(cfg, "report", "--format", "csv", "--target", "main", "--from", start.toString());
    assertThat(csv.exitCode()).as(csv.err()).isZero();
    assertThat(csv.err()).isEmpty();
    List<Map<String, String>> rows = Csv.read(csv.out());
    assertThat(rows).filteredOn(r -> r.get("queryId").equals(queryId)).singleElement().satisfies(r -> {
      assertThat(r).containsEntry("calls", Integer.toString(2 * CALLS)).containsEntry("query", LOOKUP_AS_STORED)
          .containsEntry("database", DB).containsEntry("cpuSource", "exec_minus_io");
      assertThat(Double.parseDouble(r.get("cpuMs"))).isPositive();
    });

    AgentProcess.Separate table = cli(cfg, "report", "--against", "before-drop", "--from", afterDrop.toString());
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.err()).isEmpty();
    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(0)).startsWith("Baseline before-drop (target main, " + start);
    assertThat(lines.get(1)).startsWith("against " + afterDrop + " to ");
    assertThat(lines.get(3).strip()).startsWith("1  both").contains(DB, "SELECT id AS \"item,id\" FROM items WHERE sku = $1");
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(160));

    AgentProcess.Separate delete = cli(cfg, "baseline", "delete", "before-drop");
    assertThat(delete.exitCode()).as(delete.err()).isZero();
    assertThat(cli(cfg, "baseline", "list").out()).startsWith("No pinned baselines.");
    AgentProcess.Separate gone = cli(cfg, "report", "--against", "before-drop");
    assertThat(gone.exitCode()).isEqualTo(2);
    assertThat(gone.err()).contains("no pinned baseline named 'before-drop'");
    assertThat(csv.out() + table.out() + gone.err()).doesNotContain(TOKEN);
  }
}

package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statement texts as hostile input, with the real jar and the default {@code poll.queryText: redact}: passwords
 * typed in SQL, a megabyte text, markup, odd Unicode and Latin-1 bytes from a SQL_ASCII database. The password
 * appears nowhere (API, pages, store, CSV report, log), the rest is shown escaped and cut by code point, and the
 * target keeps polling with exact numbers for its other databases.
 */
class HostileTextsIT {
  static final String APP = "hostile_app";
  static final String LATIN = "hostile_latin";
  static final String OTHER = "hostile_other";
  static final int MAX_LENGTH = 2000;
  static final int STEADY_CALLS = 37;
  static final String STEADY = "SELECT count(*) FROM pg_class WHERE relname = ?";
  static final String MARKUP =
      "SELECT relname AS \"<script>alert(1)</script>\" FROM pg_class WHERE false /* </code><script>alert(2)</script> */";
  /** A combining accent, a right-to-left override and an emoji, in an identifier. */
  static final String UNICODE_NAME = "cafe\u0301 \u202Eevil\u202C \uD83E\uDD84";

  @Test
  void passwordsNeverShowAndHostileTextsAreShownEscapedWhileTheTargetKeepsPolling(@TempDir Path dir)
      throws Exception {
    PgServer pg = PostgresServers.shared(17);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String alterSecret = "S3cr3t-alter-" + suffix;
    String createSecret = "S3cr3t-create-" + suffix;
    String doSecret = "S3cr3t-do-" + suffix;
    String alterRole = "hostile_x_" + suffix;
    String createRole = "hostile_y_" + suffix;
    pg.createDatabase(APP);
    pg.createDatabase(OTHER);
    try (Connection c = pg.superuser("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + LATIN + "'")) {
      if (!rs.next()) {
        s.execute("CREATE DATABASE " + LATIN + " ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
      }
    }
    pg.execute(LATIN, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    pg.execute(APP, "CREATE ROLE " + alterRole);

    int port = AgentProcess.freePort();
    Path store = dir.resolve("history.duckdb");
    Path cfg = dir.resolve("earlybird.yml");
    Path log = dir.resolve("agent.log");
    Files.writeString(cfg, """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 1s, textRefresh: 1s, textMaxLength: %d }
        targets:
          - name: main
            url: "%s"
            user: postgres
            databases: { include: ["^hostile_"] }
          - name: latin
            url: "%s"
            user: postgres
            databases: { include: ["^hostile_latin$"] }
        """.formatted(port, store, MAX_LENGTH, pg.jdbcUrl("postgres"), pg.jdbcUrl(LATIN)));
    Instant from = Instant.now().minusSeconds(5);
    List<String> secrets = List.of(alterSecret, createSecret, doSecret);
    try (AgentProcess agent = AgentProcess.run(cfg, port, log)) {
      await("first polls").atMost(Duration.ofSeconds(30)).until(() -> up(agent, "main") && up(agent, "latin"));
      try (Connection c = pg.superuser(APP); Statement s = c.createStatement()) {
        s.execute("ALTER ROLE " + alterRole + " PASSWORD '" + alterSecret + "'");
        s.execute("CREATE ROLE " + createRole + " LOGIN PASSWORD '" + createSecret + "' CONNECTION LIMIT 5");
        s.execute("DO $$ BEGIN PERFORM set_config('app.token', '" + doSecret + "', false); END $$");
        s.execute("SELECT /* " + "\uD83D\uDE00".repeat(300_000) + " */ 42");
        s.execute(MARKUP);
        s.execute("SELECT typname AS \"" + UNICODE_NAME + "\" FROM pg_type WHERE false");
      }
      steady(pg);

      String hotPath = "target=main&limit=1000&from=" + from + "&to=" + Instant.now().plusSeconds(3600);
      eventually(agent, log, "texts stored and the steady statement counted", () -> {
        List<String> texts = texts(agent.json("/api/v1/hot-queries?" + hotPath));
        assertThat(texts).anyMatch(t -> t.startsWith("ALTER ROLE " + alterRole + " PASSWORD"));
        assertThat(texts).anyMatch(t -> t.startsWith("CREATE ROLE " + createRole));
        assertThat(texts).anyMatch(t -> t.contains("<script>alert(1)</script>"));
        assertThat(texts).anyMatch(t -> t.contains("\uD83D\uDE00\uD83D\uDE00"));
        assertThat(texts).anyMatch(t -> t.contains(UNICODE_NAME));
        assertThat(calls(agent.json("/api/v1/hot-queries?" + hotPath + "&database=" + OTHER), "pg_class"))
            .isEqualTo(STEADY_CALLS);
      });
      JsonNode hot = agent.json("/api/v1/hot-queries?" + hotPath);
      List<String> texts = texts(hot);
      assertThat(texts).contains("ALTER ROLE " + alterRole + " PASSWORD '<redacted>'",
          "CREATE ROLE " + createRole + " LOGIN PASSWORD '<redacted>' CONNECTION LIMIT 5",
          "DO '<redacted>'");
      String huge = texts.stream().filter(t -> t.contains("\uD83D\uDE00")).findFirst().orElseThrow();
      assertThat(huge.codePointCount(0, huge.length())).isEqualTo(MAX_LENGTH);
      assertThat(Character.isHighSurrogate(huge.charAt(huge.length() - 1))).as("no half emoji at the cut").isFalse();

      String page = agent.get("/hot?" + hotPath);
      assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(");
      assertThat(page).contains("ALTER ROLE " + alterRole + " PASSWORD '&lt;redacted&gt;'");
      String queryId = queryIdOf(hot, "ALTER ROLE " + alterRole);
      String queryPage = agent.get("/queries/main/" + APP + "/" + queryId);
      String queryApi = agent.get("/api/v1/queries/main/" + APP + "/" + queryId);
      String findings = agent.get("/api/v1/findings") + agent.get("/findings");
      String familyPath = hotPath.replace("limit=1000", "limit=500");
      String families = agent.get("/families?" + familyPath);
      assertThat(families).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(");
      String familiesApi = agent.get("/api/v1/families?" + familyPath);
      for (String shown : List.of(hot.toString(), page, queryPage, queryApi, findings, families, familiesApi)) {
        secrets.forEach(secret -> assertThat(shown).doesNotContain(secret));
      }
      assertThat(queryPage).contains("&lt;redacted&gt;");

      // Latin-1 bytes: chr(233) is the single byte 0xE9 in a SQL_ASCII database, never valid UTF-8. Read from
      // a UTF-8 database, pg_stat_statements then fails every text read of the server; from the SQL_ASCII one it
      // passes the byte through, and the agent shows it as U+FFFD.
      pg.execute(LATIN, "DO $$ BEGIN EXECUTE 'SELECT datname AS \"caf' || chr(233) || '\" FROM pg_database WHERE false'; END $$");
      steady(pg);
      String latinPath = hotPath.replace("target=main", "target=latin");
      eventually(agent, log, "the Latin-1 text through the SQL_ASCII target, main's numbers still exact", () -> {
        assertThat(texts(agent.json("/api/v1/hot-queries?" + latinPath)))
            .contains("SELECT datname AS \"caf\uFFFD\" FROM pg_database WHERE $1");
        assertThat(calls(agent.json("/api/v1/hot-queries?" + hotPath + "&database=" + OTHER), "pg_class"))
            .isEqualTo(2 * STEADY_CALLS);
      });
      assertThat(up(agent, "main")).isTrue();
      assertThat(agent.get("/hot?" + latinPath)).contains("caf\uFFFD");
      // main reads texts when it next sees a new statement: give it the poll or two that takes before stopping.
      await("main's text read meets the Latin-1 text").atMost(Duration.ofSeconds(30))
          .until(() -> Files.readString(log).contains("not valid in the encoding of the database"));
      assertThat(agent.stop()).isIn(0, 143);
    }

    AgentProcess.Separate csv = AgentProcess.runApart(Duration.ofSeconds(60), "report", "--config", cfg.toString(),
        "--format", "csv", "--target", "main", "--from", from.toString());
    assertThat(csv.exitCode()).as(csv.err()).isZero();
    assertThat(csv.out()).contains("PASSWORD '<redacted>'");
    String stored;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + store);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT string_agg(query, ' ') FROM statement_text")) {
      rs.next();
      stored = rs.getString(1);
    }
    String agentLog = Files.readString(log);
    assertThat(agentLog).as("main's text reads fail while the Latin-1 text exists, and the log says why")
        .contains("not valid in the encoding of the database");
    for (String secret : secrets) {
      assertThat(csv.out()).doesNotContain(secret);
      assertThat(stored).doesNotContain(secret);
      assertThat(agentLog).doesNotContain(secret);
    }
  }

  /** Awaits {@code assertion} while target main stays up; a timeout shows the agent's log. */
  private static void eventually(AgentProcess agent, Path log, String what,
      org.awaitility.core.ThrowingRunnable assertion) throws Exception {
    try {
      await(what)
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .failFast("target main went down", () -> !up(agent, "main"))
          .untilAsserted(assertion);
    } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      String message = e.getMessage().length() > 2000 ? e.getMessage().substring(0, 2000) : e.getMessage();
      throw new AssertionError(message + "\nagent log:\n" + Files.readString(log), e);
    }
  }

  private static void steady(PgServer pg) throws Exception {
    try (Connection c = pg.superuser(OTHER); PreparedStatement ps = c.prepareStatement(STEADY)) {
      for (int i = 0; i < STEADY_CALLS; i++) {
        ps.setString(1, "pg_class");
        ps.executeQuery().close();
      }
    }
  }

  private static boolean up(AgentProcess agent, String target) throws Exception {
    for (JsonNode t : agent.json("/api/v1/targets")) {
      if (t.get("name").asText().equals(target)) {
        return t.get("up").asBoolean();
      }
    }
    return false;
  }

  private static List<String> texts(JsonNode hot) {
    List<String> out = new ArrayList<>();
    hot.get("queries").forEach(q -> {
      if (q.hasNonNull("query")) {
        out.add(q.get("query").asText());
      }
    });
    return out;
  }

  private static long calls(JsonNode hot, String textPart) {
    long calls = 0;
    for (JsonNode q : hot.get("queries")) {
      if (q.hasNonNull("query") && q.get("query").asText().contains(textPart)) {
        calls += q.get("calls").asLong();
      }
    }
    return calls;
  }

  private static String queryIdOf(JsonNode hot, String prefix) {
    for (JsonNode q : hot.get("queries")) {
      if (q.hasNonNull("query") && q.get("query").asText().startsWith(prefix)) {
        return q.get("queryId").asText();
      }
    }
    throw new AssertionError("no hot-list row starts with " + prefix);
  }
}

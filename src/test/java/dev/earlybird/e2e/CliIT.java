package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.testing.Alertmanager;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a user meets it: exit codes and what is printed. */
class CliIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  @ParameterizedTest
  @ValueSource(strings = {"", "run", "check", "report", "baseline", "baseline pin", "baseline list", "baseline delete", "demo", "healthcheck"})
  void helpAndVersionOnEveryCommand(String command) throws Exception {
    String[] help = (command + " --help").strip().split(" ");
    AgentProcess.Result h = AgentProcess.runToEnd(TIMEOUT, help);
    assertThat(h.exitCode()).isZero();
    assertThat(h.output()).contains("Usage:");
    String[] version = (command + " --version").strip().split(" ");
    AgentProcess.Result v = AgentProcess.runToEnd(TIMEOUT, version);
    assertThat(v.exitCode()).isZero();
    assertThat(v.output()).startsWith("earlybird ");
  }

  @Test
  void badConfigExitsWithTwoAndNamesFileLineAndKey(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("bad.yml");
    Files.writeString(
        cfg,
        """
        poll:
          interval: 5 minutes
        targets:
          - name: a
            url: jdbc:postgresql://127.0.0.1/postgres
            pasword: secret-value
        """);
    for (String command : new String[] {"run", "check", "report"}) {
      AgentProcess.Result r = AgentProcess.runToEnd(TIMEOUT, command, "--config", cfg.toString());
      assertThat(r.exitCode()).as(command).isEqualTo(2);
      assertThat(r.output())
          .contains("bad.yml:2:", "poll.interval")
          .contains("bad.yml:6:", "pasword", "password")
          .doesNotContain("secret-value");
    }
  }

  @Test
  void missingConfigFileIsAClearError(@TempDir Path dir) throws Exception {
    AgentProcess.Result r = AgentProcess.runToEnd(TIMEOUT, "check", "--config", dir.resolve("nope.yml").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.output()).contains("nope.yml");
  }

  @Test
  void checkPassesOnAGoodTargetAndExplainsHowToFixABadOne(@TempDir Path dir) throws Exception {
    PgServer pg = PostgresServers.shared(17);
    pg.createDatabase("cli_no_extension");
    pg.execute("cli_no_extension", "DROP EXTENSION IF EXISTS pg_stat_statements");
    Path cfg = dir.resolve("check.yml");
    Files.writeString(
        cfg,
        """
        targets:
          - name: good
            url: "%s"
            user: postgres
          - name: noext
            url: "%s"
            user: postgres
        """
            .formatted(pg.jdbcUrl("postgres"), pg.jdbcUrl("cli_no_extension")));
    AgentProcess.Result r = AgentProcess.runToEnd(TIMEOUT, "check", "--config", cfg.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.output())
        .contains("target good: ok")
        .contains("target noext: FAILED")
        .contains("CREATE EXTENSION pg_stat_statements")
        .contains("1 of 2 target(s) passed");

    Files.writeString(
        cfg, "targets:\n  - name: good\n    url: \"%s\"\n    user: postgres\n".formatted(pg.jdbcUrl("postgres")));
    AgentProcess.Result ok = AgentProcess.runToEnd(TIMEOUT, "check", "--config", cfg.toString());
    assertThat(ok.exitCode()).as(ok.output()).isZero();
    assertThat(ok.output()).contains("PASS", "17.").doesNotContain("FAIL");
  }

  @Test
  void checkSaysWhetherAPostgresStoreCanBeUsedWithoutShowingItsPassword(@TempDir Path dir) throws Exception {
    PgServer pg = PostgresServers.shared(17);
    pg.createDatabase("cli_store");
    String target = "targets:\n  - name: good\n    url: \"%s\"\n    user: postgres\n".formatted(pg.jdbcUrl("postgres"));
    Path cfg = dir.resolve("store.yml");
    String store = pg.jdbcUrl("cli_store") + "?user=postgres";
    Files.writeString(cfg, target + "store: \"" + store + "\"\n");
    AgentProcess.Result fresh = AgentProcess.runToEnd(TIMEOUT, "check", "--config", cfg.toString());
    assertThat(fresh.exitCode()).as(fresh.output()).isZero();
    assertThat(fresh.output()).contains("store " + store + ": ok")
        .contains("PASS reachable: PostgreSQL 17.").contains("no Earlybird tables yet: the first agent creates them");

    dev.earlybird.history.PostgresHistoryStore.open(store, pg.jdbcUrl("cli_store"), java.time.InstantSource.system())
        .close();
    AgentProcess.Result made = AgentProcess.runToEnd(TIMEOUT, "check", "--config", cfg.toString());
    assertThat(made.output()).containsPattern("PASS schema: version \\d+, this Earlybird's");

    Files.writeString(cfg, target + "store: \"jdbc:postgresql://127.0.0.1:1/earlybird?user=eb&password=s3cret\"\n");
    AgentProcess.Result down = AgentProcess.runToEnd(TIMEOUT, "check", "--config", cfg.toString());
    assertThat(down.exitCode()).isEqualTo(1);
    assertThat(down.output()).contains("store jdbc:postgresql://127.0.0.1:1/earlybird?user=eb&password=***: FAILED")
        .contains("FAIL reachable").contains("fix: Check the store URL's host, port and database")
        .contains("1 of 1 target(s) passed; store FAILED").doesNotContain("s3cret");
  }

  @Test
  void copyStoreMovesAnAgentsHistoryIntoANewPostgresStore(@TempDir Path dir) throws Exception {
    PgServer pg = PostgresServers.shared(17);
    pg.createDatabase("cli_copy");
    int port = AgentProcess.freePort();
    String targets = "targets:\n  - name: good\n    url: \"%s\"\n    user: postgres\n".formatted(pg.jdbcUrl("postgres"));
    Path old = Files.writeString(dir.resolve("old.yml"), "listen: \"127.0.0.1:%d\"\nstore: \"duckdb:%s\"\n"
        .formatted(port, dir.resolve("eb.duckdb")) + "poll: { interval: 1s }\n" + targets);
    Path next = Files.writeString(dir.resolve("new.yml"), "store: \"%s?user=postgres\"\n"
        .formatted(pg.jdbcUrl("cli_copy")) + targets);
    java.time.Instant start = java.time.Instant.now().minusSeconds(60);
    AgentProcess agent = AgentProcess.run(old, port, dir.resolve("agent.log"));
    try {
      org.awaitility.Awaitility.await("statements stored").atMost(java.time.Duration.ofSeconds(30)).until(() ->
          agent.json("/api/v1/hot-queries?from=" + start).get("queries").size() > 0);
    } finally {
      assertThat(agent.stop()).isIn(0, 143);
    }

    AgentProcess.Separate copy = AgentProcess.runApart(TIMEOUT, "copy-store", "--config", old.toString(), "--to",
        next.toString());
    assertThat(copy.exitCode()).as(copy.err()).isZero();
    assertThat(copy.out()).contains("statement_interval").contains("row counts match the source")
        .contains("store: \"" + pg.jdbcUrl("cli_copy") + "?user=postgres\"");

    String[] report = {"report", "--format", "json", "--from", start.toString(), "--config"};
    AgentProcess.Separate before = AgentProcess.runApart(TIMEOUT, concat(report, old.toString()));
    AgentProcess.Separate after = AgentProcess.runApart(TIMEOUT, concat(report, next.toString()));
    assertThat(after.exitCode()).as(after.err()).isZero();
    assertThat(statements(after.out())).as("the new store reports what the old one held")
        .isEqualTo(statements(before.out())).isNotEmpty();

    AgentProcess.Separate again = AgentProcess.runApart(TIMEOUT, "copy-store", "--config", old.toString(), "--to",
        next.toString());
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).contains("holds history already").contains("copy only into a new, empty store");
  }

  /** Each statement of a JSON report with its calls and time (the shares depend on when the report ran). */
  private static List<String> statements(String report) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    for (var q : new com.fasterxml.jackson.databind.ObjectMapper().readTree(report).get("queries")) {
      out.add(q.get("queryId").asText() + " " + q.get("calls").asLong() + " " + q.get("totalExecMs").asDouble());
    }
    return out;
  }

  private static String[] concat(String[] a, String b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = b;
    return out;
  }

  @Test
  void checkListsEachReceiverWithoutSendingAnything(@TempDir Path dir) throws Exception {
    PgServer pg = PostgresServers.shared(17);
    Alertmanager am = Alertmanager.shared();
    Path cfg = dir.resolve("receivers.yml");
    String target = "targets:\n  - name: good\n    url: \"%s\"\n    user: postgres\n".formatted(pg.jdbcUrl("postgres"));
    Files.writeString(cfg, target + """
        alerts:
          receivers:
            - {name: am, type: alertmanager, url: "%s"}
            - {name: pd, type: pagerduty, routingKey: not-a-real-key-s3cret}
        """.formatted(am.baseUrl()));
    AgentProcess.Result r = AgentProcess.runToEnd(TIMEOUT, "check", "--config", cfg.toString());
    assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
    assertThat(r.output())
        .contains("receiver am (alertmanager): ok")
        .contains("receiver pd (pagerduty): FAILED: routingKey is not a 32-character integration key")
        .contains("1 of 1 target(s) passed; 1 receiver(s) FAILED")
        .doesNotContain("s3cret");
    assertThat(am.alerts()).noneMatch(a -> a.path("labels").path("target").asText().equals("good"));

    Files.writeString(cfg, target + "alerts: {receivers: [{name: am, type: alertmanager, url: \"%s\"}]}\n"
        .formatted(am.baseUrl()));
    AgentProcess.Result ok = AgentProcess.runToEnd(TIMEOUT, "check", "--config", cfg.toString());
    assertThat(ok.exitCode()).as(ok.output()).isZero();
  }

  @Test
  void aBusyPortIsTheOnlyLineOfRun(@TempDir Path dir) throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      Path cfg = Files.writeString(dir.resolve("busy.yml"), """
          listen: "127.0.0.1:%d"
          store: "duckdb:%s"
          targets:
            - { name: a, url: "jdbc:postgresql://127.0.0.1:1/postgres" }
          """.formatted(taken.getLocalPort(), dir.resolve("h.duckdb")));
      AgentProcess.Result r = AgentProcess.runToEnd(TIMEOUT, "run", "--config", cfg.toString());
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.output().strip()).isEqualTo("earlybird run: cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + ": the address is in use by another process; stop that process, or give the config's `listen` key "
          + "another address (e.g. listen: \"127.0.0.1:9861\")");
    }
  }
}

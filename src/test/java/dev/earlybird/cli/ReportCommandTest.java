package dev.earlybird.cli;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.Agent;
import dev.earlybird.Main;
import dev.earlybird.config.ConfigLoader;
import dev.earlybird.config.Secret;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.PollRecord;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import dev.earlybird.model.StatementText;
import dev.earlybird.testing.Csv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code report} and {@code baseline} run in-process against a real store, and against an agent holding it. */
class ReportCommandTest {
  static final Instant END = Instant.parse("2026-01-15T10:00:00Z");
  static final String FROM = "2026-01-15T09:00:00Z";
  static final String TO = "2026-01-15T11:00:00Z";
  static final String TOKEN = "cli-test-token-0123456789";
  static final String NASTY = "SELECT \"a,b\", count(*)\n  FROM orders\n WHERE note = 'say \"hi\"' AND id = $1";
  /** The contract's fields in its order, then what Earlybird adds. */
  static final List<String> CONTRACT_FIELDS = List.of("target", "database", "tenant", "queryId", "family", "query",
      "calls", "totalExecMs", "meanMs", "cpuMs", "cpuSource", "sharePct", "baselineMeanMs", "rows", "windowSharePct",
      "changePct", "baseline", "piOnly", "piDigest", "rank");

  @TempDir Path dir;
  Path store;
  Path config;
  int port;
  final ObjectMapper json = new ObjectMapper();

  record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Run report(String... more) {
    List<String> args = new ArrayList<>(List.of("report", "--config", config.toString()));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  private static StatementInterval interval(String target, long db, long queryId, long calls, double execMs, double ioMs) {
    return new StatementInterval(new StatementKey(target, db, 10, queryId, true), END.minusSeconds(60), END,
            CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, execMs)
            .with(Counter.EXEC_SUMSQ_MS, execMs * execMs / calls)
            .with(Counter.ROWS, calls)
            .with(Counter.IO_READ_MS, ioMs), java.util.OptionalDouble.empty());
  }

  private static void poll(JdbcHistoryStore s, String target, List<StatementInterval> intervals, boolean ioTimed) {
    s.recordPoll(PollRecord.success(
        new Snapshot(target, END, Optional.empty(), OptionalLong.empty(), Map.of()), intervals, ioTimed));
  }

  @BeforeEach
  void storeAndConfig() throws Exception {
    store = dir.resolve("history.duckdb");
    try (JdbcHistoryStore s = DuckDbHistoryStore.open(store)) {
      s.upsertDatabases("main", List.of(new DatabaseInfo("main", 5, "tenant_acme"), new DatabaseInfo("main", 6, "tenant_globex")));
      s.upsertDatabases("io", List.of(new DatabaseInfo("io", 1, "postgres")));
      s.saveTexts(List.of(
          new StatementText("main", 5, 101, "SELECT id, name FROM customers WHERE id = $1", false, "fam101"),
          new StatementText("main", 6, 102, NASTY, false, "fam102")));
      poll(s, "main", List.of(interval("main", 5, 101, 1000, 5000, 0), interval("main", 6, 102, 10, 2500, 0),
          interval("main", 5, 103, 1, 1, 0)), false);
      poll(s, "io", List.of(interval("io", 1, 201, 3, 300, 100)), true);
    }
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    config = dir.resolve("earlybird.yml");
    Files.writeString(config, """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        tenants:
          pattern: "^tenant_(?<tenant>.+)$"
          overrides: { acme: { timezone: Asia/Tokyo } }
        web: { token: "%s" }
        """.formatted(port, store, TOKEN));
  }

  @Test
  void jsonStraightFromTheStoreIsTheApisDocument() throws Exception {
    Run r = report("--from", FROM, "--to", TO, "--format", "json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    JsonNode doc = json.readTree(r.out());
    assertThat(doc.get("from").asText()).isEqualTo(FROM);
    assertThat(doc.get("to").asText()).isEqualTo(TO);
    JsonNode first = doc.get("queries").get(0);
    assertThat(first.properties()).extracting(Map.Entry::getKey).containsExactlyElementsOf(CONTRACT_FIELDS);
    assertThat(first.get("queryId").isTextual()).isTrue();
    assertThat(first.get("queryId").asText()).isEqualTo("101");
    assertThat(first.get("tenant").asText()).isEqualTo("acme");
    assertThat(first.get("cpuMs").asDouble()).isEqualTo(5000);
    assertThat(first.get("sharePct").asDouble()).isCloseTo(100.0 * 5000 / 7501, org.assertj.core.data.Offset.offset(0.001));
    assertThat(doc.get("queries").findValuesAsText("queryId")).containsExactly("101", "102", "201", "103");
    JsonNode io = doc.get("queries").get(2);
    assertThat(io.get("cpuSource").asText()).as("polled with track_io_timing on").isEqualTo("exec_minus_io");
    assertThat(io.get("cpuMs").asDouble()).isEqualTo(200);
    assertThat(first.get("cpuSource").asText()).isEqualTo("exec_time");
  }

  @Test
  void csvHasTheApisFieldsFullTextsAndPlainNumbers() {
    Run r = report("--from", FROM, "--to", TO, "--format", "csv", "--target", "main");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Csv.header(r.out())).containsExactlyElementsOf(CONTRACT_FIELDS);
    List<Map<String, String>> rows = Csv.read(r.out());
    assertThat(rows).extracting(m -> m.get("queryId")).containsExactly("101", "102", "103");
    assertThat(rows.get(1)).containsEntry("query", NASTY).containsEntry("calls", "10").containsEntry("totalExecMs", "2500")
        .containsEntry("meanMs", "250").containsEntry("database", "tenant_globex").containsEntry("baselineMeanMs", "");
    assertThat(rows.get(2)).containsEntry("query", "").containsEntry("meanMs", "1");
  }

  @Test
  void theTableIsForPeople() {
    Run r = report("--from", FROM, "--to", TO);
    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("Hot queries from " + FROM + " to " + TO + ", by CPU:");
    assertThat(lines.get(1)).startsWith("#  TARGET  DATABASE       TENANT    QUERY ID  CALLS").endsWith("QUERY");
    assertThat(lines).hasSize(6).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(Table.WIDTH));
    assertThat(lines.get(2)).contains("main", "tenant_acme", "1,000", "5.0 s", "5.0 ms", "66.7%", "SELECT id, name FROM customers");
    assertThat(lines.get(3)).as("one line, cut to fit").contains("250 ms", "SELECT \"a,b\", count(*) FROM orders WHERE note")
        .hasSize(Table.WIDTH).endsWith("...");
  }

  @Test
  void aDateIsTheTenantsCalendarDayOrUtc() throws Exception {
    Run tokyo = report("--date", "2026-01-15", "--tenant", "acme", "--format", "json");
    assertThat(json.readTree(tokyo.out()).get("from").asText()).isEqualTo("2026-01-14T15:00:00Z");
    assertThat(json.readTree(tokyo.out()).get("queries").findValuesAsText("tenant")).containsOnly("acme");
    Run utc = report("--date", "2026-01-15", "--format", "json");
    assertThat(json.readTree(utc.out()).get("to").asText()).isEqualTo("2026-01-16T00:00:00Z");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "--date 15.01.2026|--date must be a calendar date like 2026-11-20, got '15.01.2026'",
    "--date 2026-01-15 --from 2026-01-15T00:00:00Z|give either --date or --from/--to, not both",
    "--from yesterday|--from must be an ISO-8601 instant like 2026-11-20T06:00:00Z",
    "--from 2026-01-16T00:00:00Z --to 2026-01-15T00:00:00Z|--from (2026-01-16T00:00:00Z) must be before --to",
    "--format xml|--format must be table, csv or json, got 'xml' (e.g. --format csv)",
    "--limit 0|--limit must be a whole number from 1 to 1000",
    "--limit lots|Invalid value for option '--limit'"
  })
  void badOptionsExitWithTwoAndNameTheOption(String args, String message) {
    Run r = report(args.split(" "));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(message);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void withNeitherStoreNorAgentTheErrorNamesBoth() throws Exception {
    Files.writeString(config, Files.readString(config).replace(store.toString(), dir.resolve("elsewhere.duckdb").toString()));
    Run r = report();
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("no history store at " + dir.resolve("elsewhere.duckdb"))
        .contains("no Earlybird agent answers at http://127.0.0.1:" + port + "/");
    Run missingConfig = run("report", "--config", dir.resolve("nope.yml").toString());
    assertThat(missingConfig.code()).isEqualTo(2);
  }

  @Test
  void baselinesArePinnedListedComparedAndDeletedInTheStore() throws Exception {
    Run pin = run("baseline", "pin", "before-upgrade", "--from", FROM, "--to", TO, "--config", config.toString());
    assertThat(pin.code()).as(pin.err()).isZero();
    assertThat(pin.out()).startsWith("Pinned baseline before-upgrade: 4 statement(s) of all targets from " + FROM);
    Run list = run("baseline", "list", "--config", config.toString());
    assertThat(list.out().lines().toList()).hasSize(2).first().asString().startsWith("NAME            TARGET  FROM");
    assertThat(list.out()).contains("before-upgrade  all");
    JsonNode listed = json.readTree(run("baseline", "list", "--format", "json", "--config", config.toString()).out());
    assertThat(listed.get("baselines").get(0).get("statements").asLong()).isEqualTo(4);

    JsonNode cmp = json.readTree(report("--against", "before-upgrade", "--from", FROM, "--to", TO, "--format", "json").out());
    assertThat(cmp.get("baseline").get("name").asText()).isEqualTo("before-upgrade");
    assertThat(cmp.get("changes")).hasSize(4);
    assertThat(cmp.get("changes").get(0).get("ratio").asDouble()).isEqualTo(1.0);
    Run table = report("--against", "before-upgrade", "--from", FROM, "--to", TO);
    assertThat(table.out()).startsWith("Baseline before-upgrade (all targets, " + FROM + " to " + TO + ", 4 statements)");
    assertThat(table.out().lines().skip(2).findFirst().orElseThrow()).startsWith("#  STATUS  TARGET")
        .contains("MEAN", "RATIO", "CALLS", "CPU", "EXTRA");
    assertThat(table.out()).contains("5.0 ms -> 5.0 ms", "1.00x", "1,000 -> 1,000");

    assertThat(run("baseline", "pin", "before-upgrade", "--from", FROM, "--to", TO, "--config", config.toString()))
        .satisfies(r -> assertThat(r.code()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("earlybird baseline pin: a baseline named 'before-upgrade' exists already"));
    assertThat(run("baseline", "pin", "no spaces", "--from", FROM, "--to", TO, "--config", config.toString()).err())
        .contains("baseline name 'no spaces' is not valid");
    Run future = run("baseline", "pin", "later", "--from", FROM, "--to", "2999-01-01T00:00:00Z", "--config", config.toString());
    assertThat(future.code()).isEqualTo(2);
    assertThat(future.err()).contains("must be in the past");
    assertThat(report("--against", "nope").err()).contains("there is no pinned baseline named 'nope'");

    assertThat(run("baseline", "delete", "before-upgrade", "--config", config.toString()).out()).isEqualTo("Deleted baseline before-upgrade.\n");
    Run again = run("baseline", "delete", "before-upgrade", "--config", config.toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("no pinned baseline named 'before-upgrade'");
    assertThat(run("baseline", "list", "--config", config.toString()).out()).startsWith("No pinned baselines.");
    assertThat(run("baseline").code()).isEqualTo(2);
  }

  @Test
  void whileTheAgentHoldsTheStoreTheCommandsAskIt() throws Exception {
    String local = report("--from", FROM, "--to", TO, "--format", "json", "--target", "main").out();
    Agent agent = Agent.start(ConfigLoader.load(config), InstantSource.system());
    try {
      Run r = report("--from", FROM, "--to", TO, "--format", "json", "--target", "main");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.err()).isEqualTo("earlybird: the history store " + store + " is in use by another process; "
          + "asking the running agent at http://127.0.0.1:" + port + "/ instead\n");
      assertThat(json.readTree(r.out())).isEqualTo(json.readTree(local));
      Run csv = report("--from", FROM, "--to", TO, "--format", "csv", "--target", "main");
      assertThat(Csv.read(csv.out())).extracting(m -> m.get("query")).contains(NASTY);

      // Writes through the agent need its token; this process shares the store instance, so talk HTTP directly.
      URI base = URI.create(agent.url());
      try (AgentClient client = new AgentClient(base, Optional.of(new Secret(TOKEN)))) {
        assertThat(client.pin("via-http", Optional.of("main"), Instant.parse(FROM), Instant.parse(TO)).statements()).isEqualTo(3);
        assertThat(client.baselines()).extracting(b -> b.name()).containsExactly("via-http");
        assertThat(client.compare("via-http", new ReportQuery(Instant.parse(FROM), Instant.parse(TO), null, null, null, 10))
            .changes()).hasSize(3);
      }
      try (AgentClient wrong = new AgentClient(base, Optional.of(new Secret(TOKEN + "x")))) {
        assertThatThrownBy(() -> wrong.delete("via-http")).isInstanceOfSatisfying(ReportFailure.class, e -> {
          assertThat(e.exitCode()).isEqualTo(2);
          assertThat(e.getMessage()).contains("refused: wrong token").doesNotContain(TOKEN);
        });
        assertThatThrownBy(() -> wrong.compare("nope", new ReportQuery(Instant.parse(FROM), Instant.parse(TO), null, null, null, 10)))
            .isInstanceOfSatisfying(ReportFailure.class, e -> assertThat(e.exitCode()).isEqualTo(2));
      }
      Run list = run("baseline", "list", "--config", config.toString());
      assertThat(list.out()).contains("via-http  main");
    } finally {
      agent.close();
    }
    assertThat(report("--from", FROM, "--to", TO).err()).as("the store is free again").isEmpty();
  }

  @Test
  void withUrlTheCommandsAskThatAgentWithoutAConfig() throws Exception {
    String local = report("--from", FROM, "--to", TO, "--format", "json").out();
    Agent agent = Agent.start(ConfigLoader.load(config), InstantSource.system());
    try {
      String url = agent.url();
      Run r = run("report", "--url", url, "--from", FROM, "--to", TO, "--format", "json");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.err()).as("no detour through a store file").isEmpty();
      assertThat(json.readTree(r.out())).isEqualTo(json.readTree(local));

      Run refused = run("baseline", "pin", "via-url", "--from", FROM, "--to", TO, "--url", url);
      assertThat(refused.code()).isEqualTo(2);
      assertThat(refused.err()).contains("refused", "--token", "EARLYBIRD_WEB_TOKEN");
      Run pin = run("baseline", "pin", "via-url", "--from", FROM, "--to", TO, "--url", url, "--token", TOKEN);
      assertThat(pin.code()).as(pin.err()).isZero();
      assertThat(pin.out()).contains("Pinned baseline via-url: 4 statement(s) of all targets")
          .contains("Compare with: earlybird report --against via-url --url " + url);
      Run compare = run("report", "--against", "via-url", "--from", FROM, "--to", TO, "--url", url, "--format", "json");
      assertThat(json.readTree(compare.out()).get("changes")).hasSize(4);
      assertThat(run("baseline", "list", "--url", url).out()).contains("via-url");
      assertThat(run("baseline", "delete", "via-url", "--url", url, "--token", TOKEN).out())
          .contains("Deleted baseline via-url.");
    } finally {
      agent.close();
    }
    Run gone = run("report", "--url", "http://127.0.0.1:" + port + "/");
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).contains("no Earlybird agent answers at http://127.0.0.1:" + port + "/", "check --url");
    Run neither = run("report");
    assertThat(neither.code()).isEqualTo(2);
    assertThat(neither.err()).contains("give --config FILE", "--url URL");
    assertThat(run("report", "--url", "127.0.0.1:9860").err()).contains("--url must be the agent's address like");
  }
}

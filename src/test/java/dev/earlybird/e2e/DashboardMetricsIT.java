package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.earlybird.dashboards.GrafanaDashboard;
import dev.earlybird.dashboards.MetricCatalogue;
import dev.earlybird.dashboards.PromQl;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric a dashboard panel or variable reads exists where a user's Prometheus would find it: the real agent
 * jar polls a real PostgreSQL (two tenant databases with a little workload, per-statement series on, and one
 * target that refuses connections so the error series exist), and its {@code /metrics} is scraped. Every
 * {@code earlybird_*} sample name used in {@code dashboards/*.json} must be on it (histogram parts by their exact
 * sample name, e.g. {@code _bucket}), and every label a selector matches on or a variable lists must be on that
 * metric's series.
 *
 * <p>The test has no AWS: the CloudWatch, Performance Insights and RDS discovery metrics ({@link #AWS_ONLY}) are
 * checked against docs/metrics.md's Metrics table (name, histogram family, labels) instead of the scrape.
 *
 * <p>The list of metrics each dashboard uses, and where each was found, is printed, and is the failure message.
 */
class DashboardMetricsIT {
  static final List<String> AWS_ONLY =
      List.of("earlybird_cloudwatch_", "earlybird_performance_insights_", "earlybird_discovery", "earlybird_discovered_");
  /** Labels Prometheus adds to every scraped series; the agent's own /metrics does not have them. */
  static final Set<String> TARGET_LABELS = Set.of("job", "instance");
  static final List<String> DATABASES = List.of("tenant_grafana_a", "tenant_grafana_b");

  static PgServer pg;

  @BeforeAll
  static void databases() {
    pg = PostgresServers.shared(17);
    for (String db : DATABASES) {
      pg.createDatabase(db);
      pg.execute(db,
          "CREATE TABLE items (k int NOT NULL, v text NOT NULL)",
          "INSERT INTO items SELECT g % 500, repeat('x', 20) FROM generate_series(1, 20000) g",
          "ANALYZE items");
    }
  }

  /** Two statements per database, a few times a second, until closed. */
  static final class Workload implements AutoCloseable {
    final AtomicBoolean running = new AtomicBoolean(true);
    final List<Thread> threads = new ArrayList<>();

    Workload() {
      for (String db : DATABASES) {
        threads.add(Thread.ofPlatform().daemon().name("workload-" + db).start(() -> run(db)));
      }
    }

    private void run(String db) {
      while (running.get()) {
        try (Connection c = pg.superuser(db);
            PreparedStatement count = c.prepareStatement("SELECT count(*) FROM items WHERE k = ?");
            PreparedStatement sort = c.prepareStatement("SELECT v FROM items WHERE k < ? ORDER BY v, k LIMIT 5")) {
          for (int n = 0; running.get(); n++) {
            count.setInt(1, n % 500);
            sort.setInt(1, 50 + n % 400);
            try (ResultSet a = count.executeQuery(); ResultSet b = sort.executeQuery()) {
              a.next();
              b.next();
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
          }
        } catch (SQLException e) {
          LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
      }
    }

    @Override
    public void close() {
      running.set(false);
      try {
        for (Thread t : threads) {
          t.join(5000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static String config(int port, Path store, int refusedPort) {
    return """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 1s, textRefresh: 2s }
        targets:
          - name: main
            url: "%s"
            user: postgres
            databases: { include: ["^tenant_grafana_"] }
          - name: refused
            url: "jdbc:postgresql://127.0.0.1:%d/postgres"
            user: postgres
        tenants:
          pattern: "^tenant_(?<tenant>.+)$"
        analysis:
          hot: { top: 10, findings: 2 }
          baseline: { mode: rolling, lookback: 10s }
          regression: { window: 2s, minCalls: 1, minExtraPerHour: 0s, persistence: 1 }
        metrics:
          statements: { top: 20, maxSeries: 500 }
        """
        .formatted(port, store, pg.jdbcUrl("postgres"), refusedPort);
  }

  /** Where a dashboard reads a metric. */
  record Use(String dashboard, String where) {}

  @Test
  void everyMetricAndLabelTheDashboardsUseIsOnTheAgentsMetricsOrDocumentedForAws(@TempDir Path dir) throws Exception {
    MetricCatalogue catalogue = MetricCatalogue.readme();
    List<GrafanaDashboard> dashboards = GrafanaDashboard.all();
    Map<String, List<Use>> uses = new TreeMap<>();
    for (GrafanaDashboard d : dashboards) {
      for (GrafanaDashboard.Query q : d.allQueries()) {
        for (PromQl.Selector s : PromQl.parse(q.expr()).selectors()) {
          if (s.metric().startsWith("earlybird_")) {
            uses.computeIfAbsent(s.metric(), k -> new ArrayList<>()).add(new Use(d.uid(), q.where()));
          }
        }
      }
    }
    assertThat(uses).as("earlybird_* metrics used by dashboards/*.json").isNotEmpty();

    Path cfg = dir.resolve("earlybird.yml");
    int port = AgentProcess.freePort();
    Files.writeString(cfg, config(port, dir.resolve("history.duckdb"), AgentProcess.freePort()));
    Path log = dir.resolve("agent.log");
    Workload workload = new Workload();
    AgentProcess agent = null;
    try (workload) {
      agent = startOrShowLog(cfg, port, log);
      AgentProcess running = agent;
      Map<String, Scraped> scrape = new HashMap<>();
      // Everything the agent produces after its first polls and analysis windows: per-database and per-statement
      // counters, errors of the refused target, an active hot finding, text fetches.
      await("every metric the dashboards use on /metrics")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> {
            scrape.clear();
            scrape.putAll(Scraped.parse(running.get("/metrics")));
            List<String> missing = missing(uses, scrape, catalogue);
            assertThat(missing)
                .withFailMessage(() -> report(dashboards, uses, scrape, catalogue) + "\nMissing:\n  " + String.join("\n  ", missing))
                .isEmpty();
          });
      System.out.println(report(dashboards, uses, scrape, catalogue));

      List<String> labelProblems = new ArrayList<>();
      for (GrafanaDashboard d : dashboards) {
        for (GrafanaDashboard.Query q : d.allQueries()) {
          for (PromQl.Selector s : PromQl.parse(q.expr()).selectors()) {
            if (!s.metric().startsWith("earlybird_")) {
              continue;
            }
            Set<String> has = labels(s.metric(), scrape, catalogue);
            Set<String> wanted = new TreeSet<>();
            s.matchers().forEach(m -> wanted.add(m.label()));
            q.listedLabel().ifPresent(wanted::add);
            wanted.removeAll(TARGET_LABELS);
            wanted.removeAll(has);
            if (!wanted.isEmpty()) {
              labelProblems.add("dashboard " + d.name() + ", " + q.where() + ": " + s.metric() + " has no label(s) "
                  + wanted + " (it has " + new TreeSet<>(has) + ")");
            }
          }
        }
      }
      assertThat(labelProblems)
          .withFailMessage(() -> "labels the dashboards filter or list by, missing on the metric:\n  " + String.join("\n  ", labelProblems))
          .isEmpty();
      assertThat(agent.log()).doesNotContain("Exception in thread");
    } finally {
      if (agent != null) {
        agent.close();
      }
    }
  }

  private static AgentProcess startOrShowLog(Path cfg, int port, Path log) throws Exception {
    try {
      return AgentProcess.run(cfg, port, log);
    } catch (Exception | AssertionError e) {
      throw new AssertionError("the agent did not start with per-statement series on (" + cfg + "); its log:\n"
          + (Files.exists(log) ? Files.readString(log) : "(none)"), e);
    }
  }

  static boolean awsOnly(String metric) {
    return AWS_ONLY.stream().anyMatch(metric::startsWith);
  }

  /** One line per use of a metric that is neither on /metrics nor (AWS-only) in docs/metrics.md's table. */
  static List<String> missing(Map<String, List<Use>> uses, Map<String, Scraped> scrape, MetricCatalogue catalogue) {
    List<String> out = new ArrayList<>();
    uses.forEach((metric, where) -> {
      if (status(metric, scrape, catalogue).startsWith("MISSING")) {
        where.forEach(u -> out.add("dashboard " + u.dashboard() + ", " + u.where() + ": " + metric + " "
            + (awsOnly(metric) ? "is not in docs/metrics.md's Metrics table" : "is not on the agent's /metrics")));
      }
    });
    return out;
  }

  static String status(String metric, Map<String, Scraped> scrape, MetricCatalogue catalogue) {
    if (awsOnly(metric)) {
      return catalogue.family(metric).isPresent() ? "docs/metrics.md (AWS-only)" : "MISSING from docs/metrics.md";
    }
    return scrape.containsKey(metric) ? "live" : "MISSING from /metrics";
  }

  static Set<String> labels(String metric, Map<String, Scraped> scrape, MetricCatalogue catalogue) {
    if (awsOnly(metric)) {
      Set<String> out = new HashSet<>(catalogue.family(metric).map(MetricCatalogue.Entry::labels).orElse(Set.of()));
      if (metric.endsWith("_bucket")) {
        out.add("le");
      }
      return out;
    }
    return scrape.containsKey(metric) ? scrape.get(metric).labels() : Set.of();
  }

  /** Per dashboard, each metric it uses with its family and where it was found. */
  static String report(List<GrafanaDashboard> dashboards, Map<String, List<Use>> uses, Map<String, Scraped> scrape,
      MetricCatalogue catalogue) {
    StringBuilder b = new StringBuilder("Metrics the dashboards use (live = on the test agent's /metrics; "
        + "docs/metrics.md = AWS-only, checked against docs/metrics.md's Metrics table):\n");
    for (GrafanaDashboard d : dashboards) {
      b.append("  ").append(d.name()).append('\n');
      uses.forEach((metric, where) -> {
        long n = where.stream().filter(u -> u.dashboard().equals(d.uid())).count();
        if (n > 0) {
          String family = catalogue.family(metric).map(MetricCatalogue.Entry::name).orElse(metric);
          b.append(String.format("    %-55s %-22s %s%n", metric, status(metric, scrape, catalogue),
              (family.equals(metric) ? "" : "family " + family + ", ") + n + " use(s)"));
        }
      });
    }
    return b.toString();
  }

  /** The sample names on a /metrics page and the label names each carries. */
  record Scraped(Set<String> labels) {
    static Map<String, Scraped> parse(String body) {
      Map<String, Set<String>> out = new HashMap<>();
      for (String line : body.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        int end = brace >= 0 && (space < 0 || brace < space) ? brace : space;
        String name = line.substring(0, end < 0 ? line.length() : end);
        Set<String> labels = out.computeIfAbsent(name, k -> new HashSet<>());
        if (end == brace && brace >= 0) {
          labels.addAll(labelNames(line, brace + 1));
        }
      }
      Map<String, Scraped> result = new HashMap<>();
      out.forEach((k, v) -> result.put(k, new Scraped(Set.copyOf(v))));
      return result;
    }

    /** Label names of {@code a="x",b="y\"z"}, reading from {@code from} to the closing brace. */
    private static List<String> labelNames(String line, int from) {
      List<String> names = new ArrayList<>();
      int i = from;
      while (i < line.length() && line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        names.add(line.substring(i, eq).strip());
        i = eq + 2; // past ="
        while (line.charAt(i) != '"') {
          i += line.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      return names;
    }
  }
}

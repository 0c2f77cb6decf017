package dev.earlybird.bench;

import static dev.earlybird.bench.BenchOutput.line;
import static dev.earlybird.bench.FleetBench.log;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.model.Shard;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code takeover}: two replicas ({@code shards: 2}, {@code --shard 0/2} and {@code --shard 1/2}) on a PostgreSQL
 * store poll {@code bench.takeoverTargets} (20) targets, one tenant database each, under load (churn of the fleet's
 * statements and a marker statement run continuously in every database, each call counted here). Replica 1 is killed
 * with kill -9; the bench reports how long until each of its targets is polled again by replica 0 ({@code GET
 * /api/v1/targets}: {@code owner}, {@code lastPollAt}), and whether the shared history holds exactly the marker
 * calls made, none lost and none counted twice ({@code /api/v1/hot-queries}, against the count kept here and the
 * server's pg_stat_statements).
 */
final class TakeoverScenario {
  private TakeoverScenario() {}

  static void run(FleetBenchConfig cfg) throws Exception {
    Path dir = FleetBench.workDir("takeover");
    Duration interval = cfg.takeoverInterval();
    Duration load = cfg.measured(3);
    int n = cfg.takeoverTargets();
    var report = new FleetReport("takeover", "two replicas on a PostgreSQL store, one killed with kill -9");
    PgServer pg = PostgresServers.dedicated(cfg.pgMajor(),
        Map.of("max_connections", "150", "fsync", "off", "full_page_writes", "off"));
    PgServer storeServer = PostgresServers.dedicated(17, Map.of());
    List<AgentJvm> replicas = new ArrayList<>();
    try {
      BenchFleet fleet = new BenchFleet(pg, n, 20);
      fleet.create(1, m -> log("takeover: %s", m));
      Map<String, String> targets = new TreeMap<>(); // target name -> its database
      StringBuilder yaml = new StringBuilder();
      for (int i = 0; i < n; i++) {
        String db = BenchFleet.database(i);
        MarkerLoad.prepare(pg, db);
        String name = "tenant-db-%03d".formatted(i);
        targets.put(name, db);
        yaml.append(FleetBench.target(name, pg, "^" + db + "$"));
      }
      String store = FleetBench.postgresStore(storeServer, "earlybird_store");
      int[] ports = {AgentJvm.freePort(), AgentJvm.freePort()};
      for (int r = 0; r < 2; r++) {
        Path config = dir.resolve("replica-" + r + ".yml");
        Files.writeString(config, FleetBench.config(ports[r], store, interval, cfg.window(), "shards: 2", yaml.toString()));
        replicas.add(AgentJvm.start(config, ports[r], dir, "replica-" + r, cfg.agentJvmArgs(),
            List.of("--shard", r + "/2"), Duration.ofMinutes(2)));
      }
      AgentJvm a = replicas.get(0);
      AgentJvm killedReplica = replicas.get(1);
      List<String> ofOne = targets.keySet().stream().filter(t -> Shard.of(t, 2) == 1).toList();
      Map<String, String> owners = awaitSplit(a, targets.keySet(), interval);
      String name0 = owners.entrySet().stream().filter(e -> Shard.of(e.getKey(), 2) == 0).findFirst().orElseThrow()
          .getValue();
      String name1 = ofOne.isEmpty() ? "-" : owners.get(ofOne.get(0));
      log("takeover: split %d/%d between %s and %s", n - ofOne.size(), ofOne.size(), name0, name1);

      Instant historyFrom = Instant.now().minusSeconds(3600);
      try (MarkerLoad marker = new MarkerLoad(pg, targets.values());
          TenantChurn churn = new TenantChurn(fleet, n * 2)) {
        marker.start();
        churn.start();
        Thread.sleep(load.toMillis() / 3);
        Map<String, Instant> beforeKill = lastPolls(killedReplica, ofOne);
        killedReplica.kill();
        Instant killed = Instant.now();
        log("takeover: killed replica 1 (pid %d)", killedReplica.pid());
        Map<String, Instant> firstPollAfter = new TreeMap<>();
        Map<String, Instant> ownerSeen = new TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (firstPollAfter.size() < ofOne.size() && System.nanoTime() < deadline) {
          for (JsonNode t : a.json("/api/v1/targets")) {
            String name = t.get("name").asText();
            if (!ofOne.contains(name) || t.get("owner").isNull() || !t.get("owner").asText().equals(name0)) {
              continue;
            }
            ownerSeen.putIfAbsent(name, Instant.now());
            JsonNode at = t.get("lastPollAt");
            if (!at.isNull() && Instant.parse(at.asText()).isAfter(killed)) {
              firstPollAfter.putIfAbsent(name, Instant.parse(at.asText()));
            }
          }
          Thread.sleep(200);
        }
        long rest = load.toMillis() * 2 / 3 - Duration.between(killed, Instant.now()).toMillis();
        Thread.sleep(Math.max(rest, interval.multipliedBy(2).toMillis()));
        marker.stop();
        Thread.sleep(500);
        churn.close();
        Map<String, Long> counted = marker.counted();
        Map<String, Long> onServer = MarkerLoad.serverCalls(pg);
        Map<String, Long> stored = awaitStored(a, pg, counted, historyFrom, interval);
        write(report, cfg, interval, n, ofOne, name0, name1, beforeKill, killed, ownerSeen, firstPollAfter, counted,
            onServer, stored, a.log().contains("took over shard 1/2"));
      }
    } finally {
      for (AgentJvm r : replicas) {
        r.close();
      }
      pg.close();
      storeServer.close();
    }
  }

  /** Waits until every target has an owner and a poll; the owners. */
  private static Map<String, String> awaitSplit(AgentJvm a, java.util.Set<String> names, Duration interval)
      throws Exception {
    long deadline = System.nanoTime() + interval.multipliedBy(4).plusMinutes(2).toNanos();
    while (true) {
      Map<String, String> owners = new TreeMap<>();
      for (JsonNode t : a.json("/api/v1/targets")) {
        if (!t.get("owner").isNull() && !t.get("lastPollAt").isNull()) {
          owners.put(t.get("name").asText(), t.get("owner").asText());
        }
      }
      if (owners.keySet().containsAll(names) && owners.values().stream().distinct().count() == 2) {
        return owners;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("replicas did not split the targets: " + owners);
      }
      Thread.sleep(500);
    }
  }

  private static Map<String, Instant> lastPolls(AgentJvm agent, List<String> names) throws Exception {
    Map<String, Instant> out = new TreeMap<>();
    for (JsonNode t : agent.json("/api/v1/targets")) {
      String name = t.get("name").asText();
      if (names.contains(name) && !t.get("lastPollAt").isNull()) {
        out.put(name, Instant.parse(t.get("lastPollAt").asText()));
      }
    }
    return out;
  }

  /** Waits (a few intervals at most) until the history holds every counted call; what it holds then. */
  private static Map<String, Long> awaitStored(AgentJvm a, PgServer pg, Map<String, Long> counted, Instant from,
      Duration interval) throws Exception {
    Map<String, String> ids = MarkerLoad.queryIds(pg);
    long deadline = System.nanoTime() + interval.multipliedBy(4).plusSeconds(60).toNanos();
    Map<String, Long> stored;
    do {
      Thread.sleep(1000);
      stored = MarkerLoad.storedCalls(a, ids, from);
    } while (!stored.equals(counted) && System.nanoTime() < deadline);
    return stored;
  }

  private static void write(FleetReport report, FleetBenchConfig cfg, Duration interval, int n, List<String> ofOne,
      String name0, String name1, Map<String, Instant> beforeKill, Instant killed, Map<String, Instant> ownerSeen,
      Map<String, Instant> firstPollAfter, Map<String, Long> counted, Map<String, Long> onServer,
      Map<String, Long> stored, boolean logged) throws Exception {
    StringBuilder b = report.text();
    line(b, "setup: one PostgreSQL %d with %d tenant databases (20 statements each, churned every 5 s, and a marker "
        + "statement run continuously in each), %d targets (one database each), PostgreSQL 17 store on a server of "
        + "its own, shards: 2, poll.interval %ds; replicas %s and %s (--shard 0/2, 1/2)", cfg.pgMajor(), n, n,
        interval.toSeconds(), name0, name1);
    line(b, "killed: replica 1 (kill -9), holding %d of the %d targets, at %s", ofOne.size(), n, killed);
    Samples polled = new Samples("polled again", Math.max(1, ofOne.size()));
    Samples gaps = new Samples("gap", Math.max(1, ofOne.size()));
    for (String t : ofOne) {
      Instant p = firstPollAfter.get(t);
      Instant seen = ownerSeen.get(t);
      Instant last = beforeKill.get(t);
      if (p != null) {
        polled.add(Duration.between(killed, p).toMillis() / 1000.0);
        if (last != null) {
          gaps.add(Duration.between(last, p).toMillis() / 1000.0);
        }
      }
      line(b, "  %-16s owner %s seen %s after the kill; polled by it %s after the kill; gap between polls %s", t,
          name0, seen == null ? "never" : secs(Duration.between(killed, seen)),
          p == null ? "NOT within 3 min" : secs(Duration.between(killed, p)),
          p == null || last == null ? "-" : secs(Duration.between(last, p)));
    }
    line(b, "time until each target of the killed replica was polled again: median %.1f s, max %.1f s (%d of %d); "
        + "longest gap between two polls of a target %.1f s (interval %d s)", polled.median(), polled.max(),
        polled.size(), ofOne.size(), gaps.max(), interval.toSeconds());
    line(b, "replica 0 logged \"took over shard 1/2\": %s", logged);
    b.append('\n');
    line(b, "marker calls per database: made (counted here) / pg_stat_statements / stored (hot list of replica 0)");
    long made = 0;
    long lost = 0;
    long doubled = 0;
    for (var e : counted.entrySet()) {
      long s = stored.getOrDefault(e.getKey(), 0L);
      made += e.getValue();
      lost += Math.max(0, e.getValue() - s);
      doubled += Math.max(0, s - e.getValue());
      line(b, "  %-12s %6d / %6d / %6d%s", e.getKey(), e.getValue(), onServer.getOrDefault(e.getKey(), -1L), s,
          s == e.getValue() ? "" : "  <- differs");
    }
    line(b, "marker calls made %d, lost %d, counted twice %d", made, lost, doubled);
    report.goal("every target of the killed replica polled again", "%d of %d, max %.1f s".formatted(polled.size(),
        ofOne.size(), polled.max()), polled.size() == ofOne.size());
    report.goal("no call lost or counted twice across the kill", "lost %d, twice %d".formatted(lost, doubled),
        lost == 0 && doubled == 0 && stored.equals(counted));
    report.write();
  }

  private static String secs(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /** The fleet's churn every 5 s, {@code count} statements each time, from a thread of its own. */
  private static final class TenantChurn implements AutoCloseable {
    private final java.util.concurrent.ScheduledExecutorService pool =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("takeover-churn").unstarted(r));
    private final BenchFleet fleet;
    private final int count;
    private int round;

    TenantChurn(BenchFleet fleet, int count) {
      this.fleet = fleet;
      this.count = count;
    }

    void start() {
      pool.scheduleAtFixedRate(() -> {
        try {
          fleet.churn(round++, count);
        } catch (Exception e) {
          log("takeover: churn failed: %s", e);
        }
      }, 0, 5, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      pool.shutdownNow();
      pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}

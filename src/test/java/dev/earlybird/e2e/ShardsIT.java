package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.history.StoreKind;
import dev.earlybird.model.Shard;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas share a PostgreSQL store as a StatefulSet runs them: {@code shards: 2}, each replica's shard taken from
 * its pod name. The acceptance, as an operator checks it: each target is polled by exactly one replica and both say
 * which; when a replica is killed (kill -9) the other takes its targets over within a few polls; when it comes back
 * it gets them back; and across both handovers the shared history holds exactly the calls the workload made, none
 * lost and none counted twice.
 */
class ShardsIT {
  static final int TARGETS = 6;
  static final Duration INTERVAL = Duration.ofSeconds(2);
  static PgServer pg;
  /** Target name to the database it watches, three targets in each shard. */
  static Map<String, String> targets;

  @BeforeAll
  static void servers() throws Exception {
    pg = PostgresServers.dedicated(16, Map.of());
    targets = new TreeMap<>();
    int[] perShard = new int[2];
    for (int k = 0; targets.size() < TARGETS; k++) {
      String name = "tenant-db-" + k;
      int shard = Shard.of(name, 2);
      if (perShard[shard] < TARGETS / 2) {
        perShard[shard]++;
        targets.put(name, "tenant_" + k);
      }
    }
    for (String db : targets.values()) {
      pg.createDatabase(db);
      MarkerWorkload.prepare(pg, db);
    }
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  private static String config(int port, String store) {
    StringBuilder t = new StringBuilder();
    targets.forEach((name, db) -> t.append("  - name: ").append(name).append('\n')
        .append("    url: \"").append(pg.jdbcUrl("postgres")).append("\"\n")
        .append("    user: postgres\n")
        .append("    databases: { include: [\"^").append(db).append("$\"] }\n"));
    return """
        listen: "127.0.0.1:%d"
        store: "%s"
        shards: 2
        poll: { interval: %ds, textRefresh: 2s }
        tenants:
          pattern: "^tenant_(?<tenant>.+)$"
        targets:
        """.formatted(port, store, INTERVAL.toSeconds()) + t;
  }

  /** Starts a replica as a StatefulSet pod named {@code earlybird-<ordinal>} would run. */
  private static AgentProcess replica(Path dir, String store, int ordinal, int port) throws Exception {
    Path cfg = dir.resolve("replica-" + ordinal + ".yml");
    Files.writeString(cfg, config(port, store));
    return AgentProcess.start(List.of("run", "--config", cfg.toString()), port, dir.resolve("replica-" + ordinal + ".log"),
        Duration.ofSeconds(60), Map.of("HOSTNAME", "earlybird-" + ordinal));
  }

  private static void workload(int times) throws SQLException {
    MarkerWorkload.run(pg, targets.values(), times);
  }

  private static Map<String, String> markerQueryIds() throws SQLException {
    return MarkerWorkload.queryIds(pg);
  }

  private static Map<String, Long> storedMarkerCalls(AgentProcess agent, Map<String, String> ids, Instant from)
      throws Exception {
    return MarkerWorkload.storedCalls(agent, ids, from, "");
  }

  /** Who polls each target, and when it was last polled, as {@code agent} says. */
  private record Seen(String owner, Instant lastPollAt) {}

  private static Map<String, Seen> seen(AgentProcess agent) throws Exception {
    Map<String, Seen> out = new TreeMap<>();
    for (JsonNode t : agent.json("/api/v1/targets")) {
      out.put(t.get("name").asText(), new Seen(t.get("owner").isNull() ? null : t.get("owner").asText(),
          t.get("lastPollAt").isNull() ? null : Instant.parse(t.get("lastPollAt").asText())));
    }
    return out;
  }

  private static Map<String, String> owners(AgentProcess agent) throws Exception {
    Map<String, String> out = new TreeMap<>();
    seen(agent).forEach((t, s) -> out.put(t, s.owner()));
    return out;
  }

  private static Map<String, String> expectedOwners(String shard0, String shard1) {
    return targets.keySet().stream().collect(Collectors.toMap(t -> t, t -> Shard.of(t, 2) == 0 ? shard0 : shard1,
        (a, b) -> a, TreeMap::new));
  }

  private static List<String> targetsOf(int shard) {
    return targets.keySet().stream().filter(t -> Shard.of(t, 2) == shard).toList();
  }

  private static void awaitCalls(String what, AgentProcess agent, Map<String, String> ids, Instant from, long n) {
    await(what).atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(storedMarkerCalls(agent, ids, from))
        .hasSize(TARGETS).allSatisfy((db, calls) -> assertThat(calls).as(db).isEqualTo(n)));
  }

  @Test
  void replicasSplitTheFleetTakeOverFromADeadOneAndGiveItBackWithExactHistory(@TempDir Path dir) throws Exception {
    String store = StoreKind.POSTGRES.locator(dir);
    int portA = AgentProcess.freePort();
    int portB = AgentProcess.freePort();
    Instant start = Instant.now().minusSeconds(60);
    AgentProcess a = replica(dir, store, 0, portA);
    AgentProcess first = replica(dir, store, 1, portB);
    List<AgentProcess> running = new ArrayList<>(List.of(a, first));
    try {
      // Each target is polled by the replica of its shard, and both replicas say so.
      Map<String, String> split = expectedOwners("earlybird-0", "earlybird-1");
      await("each replica polls its own shard").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(owners(a)).isEqualTo(split);
        assertThat(owners(first)).isEqualTo(split);
        assertThat(seen(a).values()).allSatisfy(s -> assertThat(s.lastPollAt()).isNotNull());
      });
      // Targets polled elsewhere show what their replica stored, and the fleet page says who polls each.
      await("replica 1's targets' servers known to replica 0").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        for (JsonNode t : a.json("/api/v1/targets")) {
          assertThat(t.get("serverVersion").asText()).as(t.get("name").asText()).startsWith("16.");
        }
      });
      assertThat(a.get("/")).contains("polled by earlybird-1").contains("polled by earlybird-0");
      String metricsA = a.get("/metrics");
      for (String t : targets.keySet()) {
        String up = "earlybird_target_up{target=\"" + t + "\"}";
        if (Shard.of(t, 2) == 0) {
          assertThat(metricsA).as("replica 0 exports the targets it polls").contains(up + " 1");
        } else {
          assertThat(metricsA).as("replica 0 leaves replica 1's targets to it").doesNotContain(up);
        }
      }

      workload(7);
      Map<String, String> ids = markerQueryIds();
      assertThat(ids).containsOnlyKeys(targets.values());
      awaitCalls("phase 1 stored by both replicas", a, ids, start, 7);

      // Replica 1 dies; replica 0 takes its shard over and continues from the stored snapshots.
      workload(5);
      first.kill();
      Instant killed = Instant.now();
      workload(3);
      await("replica 0 polls replica 1's targets").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Map<String, Seen> now = seen(a);
        for (String t : targetsOf(1)) {
          assertThat(now.get(t).owner()).as(t).isEqualTo("earlybird-0");
          assertThat(now.get(t).lastPollAt()).as(t).isAfter(killed);
        }
      });
      Duration takeover = Duration.between(killed, Instant.now());
      System.out.printf("ShardsIT: replica 1's targets polled again by replica 0 %.1f s after kill -9 (poll interval "
          + "%d s)%n", takeover.toMillis() / 1000.0, INTERVAL.toSeconds());
      assertThat(a.get("/metrics")).contains("earlybird_target_up{target=\"" + targetsOf(1).get(0) + "\"} 1");
      awaitCalls("phases 1-3 stored exactly once across the takeover", a, ids, start, 15);

      // Replica 1 comes back (the pod restarts) and gets its shard back.
      AgentProcess back = replica(dir, store, 1, portB);
      running.add(back);
      await("replica 1 has its shard back").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(owners(a)).isEqualTo(split);
        assertThat(owners(back)).isEqualTo(split);
      });
      Instant handedBack = Instant.now();
      workload(2);
      await("replica 1 polls its own targets again").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        for (String t : targetsOf(1)) {
          assertThat(seen(back).get(t).lastPollAt()).as(t).isAfter(handedBack);
        }
      });
      awaitCalls("phases 1-4 stored exactly once across the hand-back", back, ids, start, 17);
      assertThat(a.get("/metrics")).as("replica 0 no longer exports replica 1's targets")
          .doesNotContain("earlybird_target_up{target=\"" + targetsOf(1).get(0) + "\"}");

      // A few more polls by both: still exact (nobody counts a phase again).
      Instant settled = Instant.now();
      await("two more polls of every target").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(seen(a).values()).allSatisfy(s -> assertThat(s.lastPollAt()).isAfter(settled.plus(INTERVAL))));
      assertThat(storedMarkerCalls(a, ids, start)).hasSize(TARGETS).allSatisfy((db, n) -> assertThat(n).isEqualTo(17));
      assertThat(storedMarkerCalls(back, ids, start)).isEqualTo(storedMarkerCalls(a, ids, start));
      assertThat(a.log()).contains("took over shard 1/2").contains("gave shard 1/2 back");

      // A third replica started as an existing shard is refused, saying why.
      Path cfg = dir.resolve("replica-dup.yml");
      Files.writeString(cfg, config(AgentProcess.freePort(), store));
      AgentProcess.Result dup = AgentProcess.runToEnd(Duration.ofSeconds(60), Map.of("HOSTNAME", "earlybird-1"),
          "run", "--config", cfg.toString());
      assertThat(dup.exitCode()).isNotZero();
      assertThat(dup.output()).contains("written by another Earlybird agent running as shard 1/2");
    } finally {
      for (AgentProcess p : running) {
        p.close();
      }
    }
  }

  @Test
  void aReplicaWhoseHostNameHasNoOrdinalIsToldHowToGiveItsShard(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("earlybird.yml");
    Files.writeString(cfg, config(AgentProcess.freePort(), StoreKind.POSTGRES.locator(dir)));
    AgentProcess.Result r = AgentProcess.runToEnd(Duration.ofSeconds(60), Map.of("HOSTNAME", "monitoring-box"),
        "run", "--config", cfg.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.output()).contains("shards: 2 needs this replica's number").contains("--shard INDEX/2");
  }
}

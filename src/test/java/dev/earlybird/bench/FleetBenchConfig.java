package dev.earlybird.bench;

import dev.earlybird.config.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Settings of {@link FleetBench}, from system properties (defaults in brackets):
 *
 * <ul>
 *   <li>{@code bench.scenario}: {@code fleet700}, {@code targets100}, {@code takeover}, or a comma list [all three];
 *   <li>{@code bench.pg}: the targets' PostgreSQL major [17]; the PostgreSQL store is always on a 17;
 *   <li>{@code bench.interval}: the poll interval [60s; takeover 15s];
 *   <li>{@code bench.minutes}: measured minutes after the warm-up [fleet700 10; targets100 4 per store; takeover 3
 *       of load across the kill];
 *   <li>{@code bench.window}: {@code analysis.regression.window} [5m, so evaluations happen within the run; the
 *       agent's default is 1h];
 *   <li>fleet700: {@code bench.databases} [700], {@code bench.perMinute} statements per database a minute [3],
 *       {@code bench.shapes} distinct statements per database [10];
 *   <li>targets100: {@code bench.targets} [100], {@code bench.servers} [4], {@code bench.statements} per server
 *       [20000], {@code bench.churnPercent} of the entries run each minute [1], {@code bench.store}
 *       {@code duckdb|postgres|both} [both];
 *   <li>takeover: {@code bench.takeoverTargets} [20];
 *   <li>{@code bench.agentJvmArgs}: extra JVM options of the agent, space separated [none: the JVM's defaults].
 * </ul>
 */
record FleetBenchConfig(List<String> scenarios, int pgMajor, Duration interval, Duration takeoverInterval,
    Double minutes, Duration window, int databases, int perMinute, int shapes, int targets, int servers,
    int statements, double churnPercent, List<String> stores, int takeoverTargets, List<String> agentJvmArgs) {

  static FleetBenchConfig fromSystemProperties() {
    String interval = System.getProperty("bench.interval");
    String minutes = System.getProperty("bench.minutes");
    String store = System.getProperty("bench.store", "both");
    String jvm = System.getProperty("bench.agentJvmArgs", "").strip();
    return new FleetBenchConfig(
        Arrays.stream(System.getProperty("bench.scenario", "fleet700,targets100,takeover").split(","))
            .map(String::strip).filter(s -> !s.isEmpty()).toList(),
        Integer.getInteger("bench.pg", 17),
        interval == null ? Duration.ofSeconds(60) : Durations.parse(interval),
        interval == null ? Duration.ofSeconds(15) : Durations.parse(interval),
        minutes == null ? null : Double.parseDouble(minutes),
        Durations.parse(System.getProperty("bench.window", "5m")),
        Integer.getInteger("bench.databases", 700),
        Integer.getInteger("bench.perMinute", 3),
        Integer.getInteger("bench.shapes", 10),
        Integer.getInteger("bench.targets", 100),
        Integer.getInteger("bench.servers", 4),
        Integer.getInteger("bench.statements", 20_000),
        Double.parseDouble(System.getProperty("bench.churnPercent", "1")),
        store.equals("both") ? List.of("duckdb", "postgres") : List.of(store),
        Integer.getInteger("bench.takeoverTargets", 20),
        jvm.isEmpty() ? List.of() : List.of(jvm.split("\\s+")));
  }

  /** Measured minutes of a scenario: {@code bench.minutes}, or the scenario's default. */
  Duration measured(double defaultMinutes) {
    return Duration.ofMillis(Math.round((minutes == null ? defaultMinutes : minutes) * 60_000));
  }
}

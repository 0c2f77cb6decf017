package dev.earlybird.web;

import dev.earlybird.analysis.CpuSource;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.TargetCpu;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.Severity;
import dev.earlybird.model.TargetStatus;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/v1/fleet} and the data of the fleet page ({@code /}): per target its health, last poll, CPU of
 * the last hour and day, statements and active findings by severity, and the next morning reviews. Cheap however
 * large the fleet: the state is in memory, CPU is one grouped read per window and the findings one grouped count.
 */
public final class FleetApi {
  /** Reviews listed: the next morning's first few; {@code /reviews} has the ones that ran. */
  static final int REVIEWS_SHOWN = 10;
  private static final DateTimeFormatter LOCAL =
      DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ROOT);

  private final FleetState fleet;
  private final HistoryStore store;
  private final TenantsConfig tenants;
  private final InstantSource clock;
  private final UpcomingReviews reviews;

  public FleetApi(
      FleetState fleet, HistoryStore store, TenantsConfig tenants, InstantSource clock, UpcomingReviews reviews) {
    this.fleet = fleet;
    this.store = store;
    this.tenants = tenants;
    this.clock = clock;
    this.reviews = reviews;
  }

  /**
   * CPU time of the target's statements in a window, summed over each statement's own CPU layer.
   *
   * @param source the least direct layer any statement needed ({@code exec_time} means an upper bound)
   */
  public record CpuJson(double lastHourMs, double last24hMs, long calls24h, String source) {}

  /** Active findings of a target by severity. */
  public record FindingCounts(long critical, long warning, long info) {
    static FindingCounts of(Map<Severity, Long> counts) {
      return new FindingCounts(counts.getOrDefault(Severity.CRITICAL, 0L), counts.getOrDefault(Severity.WARNING, 0L),
          counts.getOrDefault(Severity.INFO, 0L));
    }

    public long of(String severity) {
      return switch (severity) {
        case "critical" -> critical;
        case "warning" -> warning;
        default -> info;
      };
    }
  }

  /**
   * One target.
   *
   * @param health {@code up}, {@code down} or {@code degraded} (up, but its data is incomplete: {@code degraded} says
   *     why)
   * @param cpu null before any statement was stored in the last 24 hours
   * @param polledBy the replica that polls it, where several share the store (null for a lone agent, and while no
   *     replica polls it)
   */
  public record TargetJson(
      String name,
      String health,
      Instant lastPollAt,
      String serverVersion,
      int statements,
      String lastError,
      String degraded,
      CpuJson cpu,
      FindingCounts findings,
      String polledBy) {}

  /**
   * One morning review ahead.
   *
   * @param localTime when it runs on the tenant's clock, with {@code zone}
   */
  public record ReviewJson(String tenant, Instant at, String localTime, String zone) {}

  public record FleetJson(Instant at, List<TargetJson> targets, List<ReviewJson> nextReviews) {}

  void get(Context ctx) {
    ctx.json(fleet());
  }

  FleetJson fleet() {
    Instant now = clock.instant();
    Map<String, TargetCpu> hour = store.targetCpu(now.minus(Duration.ofHours(1)), now);
    Map<String, TargetCpu> day = store.targetCpu(now.minus(Duration.ofHours(24)), now);
    Map<String, Map<Severity, Long>> findings = store.activeFindingCounts();
    List<TargetStatus> all = fleet.all();
    Map<String, String> owners = new HashMap<>();
    all.forEach(t -> owners.put(t.name(), fleet.owner(t.name()).orElse(null)));
    // A lone agent polls everything: naming it on every row would say nothing.
    boolean shared = new HashSet<>(owners.values()).size() > 1;
    List<TargetJson> targets = all.stream()
        .map(t -> target(t, hour.get(t.name()), day.get(t.name()), findings.getOrDefault(t.name(), Map.of()),
            shared ? owners.get(t.name()) : null))
        .toList();
    List<ReviewJson> next = reviews.next(REVIEWS_SHOWN).stream().map(r -> review(r.getKey(), r.getValue())).toList();
    return new FleetJson(now, targets, next);
  }

  private static TargetJson target(TargetStatus s, TargetCpu hour, TargetCpu day, Map<Severity, Long> findings,
      String polledBy) {
    String health = !s.up() ? "down" : s.degraded() != null ? "degraded" : "up";
    CpuJson cpu = day == null ? null : new CpuJson(Api.round(hour == null ? 0 : hour.cpuMs()), Api.round(day.cpuMs()),
        day.calls(), CpuSource.values()[Math.clamp(day.weakestSource(), 0, CpuSource.values().length - 1)].label());
    return new TargetJson(s.name(), health, s.lastPollAt(), s.serverVersion(), s.statements(), s.lastError(),
        s.degraded(), cpu, FindingCounts.of(findings), polledBy);
  }

  private ReviewJson review(String tenant, Instant at) {
    ZoneId zone = tenants.settingsFor(tenant).timezone();
    return new ReviewJson(tenant, at, LOCAL.format(at.atZone(zone)), zone.getId());
  }
}

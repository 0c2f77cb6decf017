package dev.earlybird.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opt-in per-statement series (DESIGN decision 6): {@code earlybird_statement_calls_total},
 * {@code earlybird_statement_exec_seconds_total} and {@code earlybird_statement_cpu_seconds_total} with labels
 * {@code target, database, tenant, queryid} (never query text), for each target's top statements by CPU.
 *
 * <p>Bounded twice: per target, statements enter in the top {@code top} and stay while in the top
 * {@code 2 x top} (so a target exports between {@code top} and {@code 2 x top}); over the whole agent, at most
 * {@code maxSeries} series (3 per statement), beyond which statements are left out and counted in
 * {@code earlybird_statement_series_dropped_total}. The hysteresis keeps the set calm: statements are ranked by a
 * smoothed CPU rate (an exponentially weighted average over polls), so one quiet poll does not churn series. A statement
 * that leaves, or a target that stops being polled, loses its series (Prometheus marks them stale).
 */
public final class StatementSeries {
  /** Weight of the newest poll in the smoothed CPU rate. */
  static final double ALPHA = 0.3;
  static final int SERIES_PER_STATEMENT = 3;

  private final MeterRegistry registry;
  /** Changed by a config reload ({@link #resize}). */
  private volatile int top;
  private volatile int maxSeries;
  private final Map<String, Map<Key, Double>> scores = new HashMap<>();
  private final Map<Key, Member> members = new HashMap<>();
  private final AtomicLong series = new AtomicLong();
  private final Counter dropped;

  /** A statement of a target: what its series are labelled with. */
  public record Key(String target, String database, String tenant, long queryId) {}

  /** One poll's activity of a statement (top-level calls, summed over users); all values non-negative. */
  public record Activity(Key key, long calls, double execSeconds, double cpuSeconds) {}

  private record Member(Counter calls, Counter exec, Counter cpu) {
    List<Meter> all() {
      return List.of(calls, exec, cpu);
    }
  }

  public StatementSeries(AgentMetrics metrics, int top, int maxSeries) {
    this.registry = metrics.registry();
    this.top = top;
    this.maxSeries = maxSeries;
    Gauge.builder("earlybird.statement.series", series, AtomicLong::get)
        .description("Per-statement series exported now (metrics.statements.top per target, at most "
            + "metrics.statements.maxSeries in all)")
        .register(registry);
    dropped = Counter.builder("earlybird.statement.series.dropped")
        .description("Per-statement series not exported because metrics.statements.maxSeries was reached")
        .register(registry);
  }

  public boolean enabled() {
    return top > 0;
  }

  /** Takes one poll of a target: updates the ranking, the set of exported statements and their counters. */
  public synchronized void record(String target, List<Activity> poll) {
    if (!enabled()) {
      return;
    }
    Map<Key, Double> previous = scores.getOrDefault(target, Map.of());
    Map<Key, Activity> now = new HashMap<>();
    poll.forEach(a -> now.merge(a.key(), a, (x, y) -> new Activity(x.key(), x.calls() + y.calls(),
        x.execSeconds() + y.execSeconds(), x.cpuSeconds() + y.cpuSeconds())));
    Set<Key> current = new HashSet<>();
    members.keySet().stream().filter(k -> k.target().equals(target)).forEach(current::add);
    Map<Key, Double> next = smooth(previous, now);
    Selection s = select(next, current, top);
    for (Key k : s.leave()) {
      remove(k);
    }
    for (Key k : s.enter()) {
      if (series.get() + SERIES_PER_STATEMENT > maxSeries) {
        dropped.increment(SERIES_PER_STATEMENT);
        continue;
      }
      members.put(k, register(k));
      series.addAndGet(SERIES_PER_STATEMENT);
    }
    for (Activity a : now.values()) {
      Member m = members.get(a.key());
      if (m != null) {
        m.calls().increment(a.calls());
        m.exec().increment(a.execSeconds());
        m.cpu().increment(a.cpuSeconds());
      }
    }
    // Scores are kept only for what could matter next poll: the top 4 x top, so memory stays bounded.
    Map<Key, Double> kept = new HashMap<>();
    next.entrySet().stream()
        .sorted(Map.Entry.<Key, Double>comparingByValue().reversed())
        .limit(4L * top)
        .forEach(e -> kept.put(e.getKey(), e.getValue()));
    members.keySet().stream().filter(k -> k.target().equals(target))
        .forEach(k -> kept.putIfAbsent(k, next.getOrDefault(k, 0.0)));
    scores.put(target, kept);
  }

  /**
   * New limits from a config reload. A lower {@code top} takes effect at each target's next poll; turned off, every
   * series goes at once; above a lower {@code maxSeries}, no statement enters until enough have left.
   */
  public synchronized void resize(int newTop, int newMaxSeries) {
    top = newTop;
    maxSeries = newMaxSeries;
    if (newTop == 0) {
      List.copyOf(scores.keySet()).forEach(this::forget);
    }
  }

  /** Drops every series of a target (it failed for long, or was removed). */
  public synchronized void forget(String target) {
    scores.remove(target);
    for (Key k : List.copyOf(members.keySet())) {
      if (k.target().equals(target)) {
        remove(k);
      }
    }
  }

  /** Smoothed CPU rate: statements not seen this poll decay toward 0. Pure. */
  static Map<Key, Double> smooth(Map<Key, Double> previous, Map<Key, Activity> now) {
    Map<Key, Double> out = new HashMap<>();
    previous.forEach((k, v) -> out.put(k, (1 - ALPHA) * v));
    now.forEach((k, a) -> out.merge(k, ALPHA * a.cpuSeconds(), Double::sum));
    return out;
  }

  /** Who enters and who leaves, given the scores and the current members of one target. Pure. */
  record Selection(List<Key> enter, List<Key> leave) {}

  static Selection select(Map<Key, Double> scores, Set<Key> current, int top) {
    List<Key> ranked = new ArrayList<>(scores.keySet());
    ranked.sort(Comparator.comparingDouble((Key k) -> scores.get(k)).reversed()
        .thenComparing(Key::database).thenComparingLong(Key::queryId));
    Map<Key, Integer> rank = new HashMap<>();
    for (int i = 0; i < ranked.size(); i++) {
      rank.put(ranked.get(i), i + 1);
    }
    List<Key> leave = new ArrayList<>();
    for (Key k : current) {
      Integer r = rank.get(k);
      if (r == null || r > 2 * top || scores.get(k) <= 0) {
        leave.add(k);
      }
    }
    Set<Key> enter = new LinkedHashSet<>();
    for (int i = 0; i < Math.min(top, ranked.size()); i++) {
      Key k = ranked.get(i);
      if (!current.contains(k) && scores.get(k) > 0) {
        enter.add(k);
      }
    }
    return new Selection(List.copyOf(enter), leave);
  }

  private Member register(Key k) {
    String[] tags = {"target", k.target(), "database", k.database(), "tenant", k.tenant(), "queryid",
        Long.toString(k.queryId())};
    return new Member(
        Counter.builder("earlybird.statement.calls").description("Calls of a top statement (opt-in)").tags(tags)
            .register(registry),
        Counter.builder("earlybird.statement.exec.seconds").description("Execution time of a top statement (opt-in)")
            .tags(tags).register(registry),
        Counter.builder("earlybird.statement.cpu.seconds")
            .description("CPU time of a top statement, by the best layer per poll (opt-in)").tags(tags)
            .register(registry));
  }

  private void remove(Key k) {
    Member m = members.remove(k);
    if (m != null) {
      m.all().forEach(registry::remove);
      series.addAndGet(-SERIES_PER_STATEMENT);
    }
  }
}

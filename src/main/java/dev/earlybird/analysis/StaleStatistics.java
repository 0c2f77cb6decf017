package dev.earlybird.analysis;

import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.RelationStats;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * {@code stale_statistics}: for a statement whose plan changed or that regressed, the tables in its plan whose
 * statistics the planner chose on are stale: never analyzed, more than {@value #MAX_MOD_PCT}% of the rows changed
 * since the last analyze, or analyzed far longer ago than the same table in the rest of the fleet. One advice per
 * statement and table: ANALYZE it now, and where it keeps coming back, a per-table autovacuum_analyze_scale_factor.
 * Pure.
 */
public final class StaleStatistics {
  static final String RULE = "stale_statistics";
  static final double MAX_MOD_PCT = 10;
  /** Fewer changed rows than this do not move a plan, whatever the share (a small table). */
  static final long MIN_MODS = 1000;
  /** "Far older" than the fleet: this many times its median age, and at least a day more. */
  static final double FLEET_AGE_FACTOR = 4;
  static final double MIN_EXTRA_AGE_HOURS = 24;
  static final int MIN_FLEET_DATABASES = 3;

  private StaleStatistics() {}

  /** The median age of each table's last analyze over a fleet's databases; computed once per fleet. */
  public static final class FleetAges {
    private final Map<String, Double> medianHours;

    private FleetAges(Map<String, Double> medianHours) {
      this.medianHours = medianHours;
    }

    public static final FleetAges NONE = new FleetAges(Map.of());

    /** Tables analyzed in fewer than {@value #MIN_FLEET_DATABASES} databases have no median. */
    public static FleetAges of(List<DatabaseCatalog> fleet, Instant now) {
      Map<String, List<Double>> ages = new HashMap<>();
      for (DatabaseCatalog c : fleet) {
        for (RelationStats r : c.relations()) {
          r.analyzedAt().ifPresent(at -> ages.computeIfAbsent(r.qualifiedTable(), k -> new ArrayList<>())
              .add(hours(at, now)));
        }
      }
      Map<String, Double> medians = new HashMap<>();
      ages.forEach((table, list) -> {
        if (list.size() >= MIN_FLEET_DATABASES) {
          double[] sorted = list.stream().mapToDouble(Double::doubleValue).sorted().toArray();
          medians.put(table, median(sorted));
        }
      });
      return new FleetAges(medians);
    }

    public OptionalDouble medianHours(String schema, String table) {
      Double m = medianHours.get(schema + "." + table);
      return m == null ? OptionalDouble.empty() : OptionalDouble.of(m);
    }

    private static double median(double[] sorted) {
      int n = sorted.length;
      return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
  }

  /**
   * @param recurring the tables of this database that had stale statistics before, as the advice's ANALYZE names
   *     them ({@link Identifiers#qualified}, which its {@code ddl} carries for the caller to remember): they get
   *     a per-table autovacuum setting besides the ANALYZE
   */
  public static List<Observation> observe(Subject.Statement statement, PlanShape plan, DatabaseCatalog catalog,
      FleetAges fleet, Set<String> recurring, Instant now) {
    Set<String> seen = new LinkedHashSet<>();
    List<Observation> out = new ArrayList<>();
    for (PlanNode n : plan.nodes()) {
      if (n.schema() == null || n.relation() == null || !seen.add(n.qualifiedRelation())) {
        continue;
      }
      catalog.relation(n.schema(), n.relation())
          .flatMap(r -> judge(statement, r, fleet.medianHours(r.schema(), r.table()),
              recurring.contains(Identifiers.qualified(r.schema(), r.table())), now))
          .ifPresent(out::add);
    }
    return out;
  }

  private static java.util.Optional<Observation> judge(Subject.Statement st, RelationStats r, OptionalDouble fleetAge,
      boolean recurs, Instant now) {
    double rows = r.nLiveTup() > 0 ? r.nLiveTup() : Math.max(0, r.reltuples());
    double modPct = rows > 0 ? 100 * r.nModSinceAnalyze() / rows : 0;
    boolean never = r.analyzedAt().isEmpty() && (r.nLiveTup() > 0 || r.nModSinceAnalyze() > 0);
    // A table never analyzed counts every row it ever got as changed: "never analyzed" says it all.
    boolean changed = !never && r.nModSinceAnalyze() >= MIN_MODS && modPct > MAX_MOD_PCT;
    double age = r.analyzedAt().map(at -> hours(at, now)).orElse(Double.NaN);
    boolean old = fleetAge.isPresent() && !Double.isNaN(age) && age > FLEET_AGE_FACTOR * fleetAge.getAsDouble()
        && age - fleetAge.getAsDouble() >= MIN_EXTRA_AGE_HOURS;
    if (!never && !changed && !old) {
      return java.util.Optional.empty();
    }
    String table = Identifiers.qualified(r.schema(), r.table());
    List<String> why = new ArrayList<>();
    if (never) {
      why.add("it was never analyzed");
    }
    if (changed) {
      why.add(String.format(Locale.ROOT, "%.0f%% of its rows (%,d of %,.0f) changed since its last analyze", modPct,
          r.nModSinceAnalyze(), rows));
    }
    if (old) {
      why.add(String.format(Locale.ROOT, "it was last analyzed %.0f hours ago, where the fleet's median for the "
          + "table is %.0f hours", age, fleetAge.getAsDouble()));
    }
    String scaleFactor = rows >= 1_000_000 ? "0.01" : "0.05";
    String advice = String.format(Locale.ROOT,
        "statistics of %s are stale: %s; the planner chose this plan on old numbers: ANALYZE %s%s", table,
        String.join(", and ", why), table,
        recurs ? String.format(Locale.ROOT, "; this keeps coming back, so let autovacuum analyze it sooner: ALTER "
            + "TABLE %s SET (autovacuum_analyze_scale_factor = %s)", table, scaleFactor) : "");
    Map<String, Double> numbers = new LinkedHashMap<>();
    numbers.put("modSinceAnalyzePct", round(modPct));
    numbers.put("nModSinceAnalyze", (double) r.nModSinceAnalyze());
    numbers.put("rows", rows);
    if (!Double.isNaN(age)) {
      numbers.put("analyzeAgeHours", round(age));
    }
    fleetAge.ifPresent(m -> numbers.put("fleetMedianAnalyzeAgeHours", round(m)));
    String fp = Fingerprints.advice(RULE, String.join("\u0000", Arrays.asList(st.target(), Long.toString(st.dbId()),
        Long.toUnsignedString(st.queryId()), r.qualifiedTable())));
    return java.util.Optional.of(new Observation(fp, Severity.INFO, st, "statistics of " + table + " are stale",
        new Evidence.Advice(RULE, advice, "ANALYZE " + table, numbers)));
  }

  private static double hours(Instant at, Instant now) {
    return Math.max(0, Duration.between(at, now).toSeconds() / 3600.0);
  }

  private static double round(double v) {
    return Math.round(v * 10.0) / 10.0;
  }
}

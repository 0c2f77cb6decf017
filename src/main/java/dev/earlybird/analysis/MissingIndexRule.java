package dev.earlybird.analysis;

import dev.earlybird.model.Evidence;
import dev.earlybird.model.HypotheticalCost;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code missing_index}: the best index candidate for a statement's sequential scan, confirmed by HypoPG where it
 * could try it (the plan cost falls by at least {@code minCostReductionPct} and the plan uses the index, Dexter's
 * rule), or "unconfirmed" with the reason where it could not. Nothing when HypoPG tried every candidate and none
 * helped enough: the planner has then said the index would not pay. Pure.
 */
public final class MissingIndexRule {
  public static final double DEFAULT_MIN_COST_REDUCTION_PCT = 50;
  static final String RULE = "missing_index";

  private MissingIndexRule() {}

  /** What became of one candidate in the statement's database. */
  public sealed interface Trial {
    IndexCandidate candidate();

    /** HypoPG planned the statement with the index. */
    record Tried(IndexCandidate candidate, HypotheticalCost cost) implements Trial {}

    /**
     * HypoPG could not try it.
     *
     * @param reason for the advice text, e.g. "HypoPG is not installed in this database", "HypoPG refused the
     *     index: …"
     */
    record NotTried(IndexCandidate candidate, String reason) implements Trial {}
  }

  /**
   * The advice for the best candidate, if any.
   *
   * @param trials each candidate of {@link IndexCandidates#of} with what HypoPG said, in candidate order
   * @param drift the fleet's drift, to link the advice to an index most databases have; null when not judged
   */
  public static Optional<Observation> observe(Subject.Statement statement, List<Trial> trials,
      double minCostReductionPct, FleetDrift drift) {
    Optional<Trial.Tried> confirmed = trials.stream()
        .filter(t -> t instanceof Trial.Tried tr && tr.cost().used()
            && tr.cost().reductionPct() >= minCostReductionPct)
        .map(t -> (Trial.Tried) t)
        // Best saving first; on a tie, fewer columns (a smaller index), then the candidates' own order.
        .min(Comparator.comparingDouble((Trial.Tried t) -> -t.cost().reductionPct())
            .thenComparingInt(t -> t.candidate().columns().size()));
    if (confirmed.isPresent()) {
      return Optional.of(observation(statement, confirmed.get(), null, drift));
    }
    return trials.stream().filter(t -> t instanceof Trial.NotTried).findFirst()
        .map(t -> observation(statement, t, ((Trial.NotTried) t).reason(), drift));
  }

  private static Observation observation(Subject.Statement st, Trial trial, String unconfirmedWhy, FleetDrift drift) {
    IndexCandidate c = trial.candidate();
    Map<String, Double> numbers = new LinkedHashMap<>();
    numbers.put("tableRows", Math.max(0, c.tableRows()));
    numbers.put("scanRows", Math.max(0, c.scanRows()));
    numbers.put("indexColumns", (double) c.columns().size());
    String seen = String.format(Locale.ROOT, "reads all of %s (%,.0f rows) to keep about %,.0f of them",
        Identifiers.qualified(c.schema(), c.table()), c.tableRows(), c.scanRows());
    Evidence.Hypothetical hypothetical = null;
    String verdict;
    if (trial instanceof Trial.Tried tried) {
      HypotheticalCost cost = tried.cost();
      hypothetical = new Evidence.Hypothetical(cost.costBefore(), cost.costAfter(), round(cost.reductionPct()));
      numbers.put("costBefore", cost.costBefore());
      numbers.put("costAfter", cost.costAfter());
      numbers.put("reductionPct", round(cost.reductionPct()));
      verdict = String.format(Locale.ROOT,
          "with a hypothetical index on %s the planner uses it and the plan's cost falls by %.0f%% (%.1f -> %.1f)",
          c.describe(), cost.reductionPct(), cost.costBefore(), cost.costAfter());
    } else {
      verdict = "an index on " + c.describe() + " would let it look them up; unconfirmed: " + unconfirmedWhy;
    }
    String related = null;
    String link = "";
    Optional<FleetDrift.Gap> gap = drift == null ? Optional.empty() : gapFor(drift, st, c);
    if (gap.isPresent()) {
      FleetDrift.Gap g = gap.get();
      related = g.fingerprint();
      link = String.format(Locale.ROOT,
          ". Likely cause: this database lacks index %s, which %d of %d databases with the table have (fleet index "
              + "drift); building it as the fleet has it (%s) may serve instead",
          Identifiers.quote(g.fleetIndex().name()), g.databasesWithIndex(), g.databasesWithTable(), g.ddl());
    }
    String advice = seen + ": " + verdict + ". Build it: " + c.ddl() + link;
    String summary = seen + (trial instanceof Trial.Tried ? "" : " (index unconfirmed)");
    Evidence.Advice evidence =
        new Evidence.Advice(RULE, advice, c.ddl(), numbers, hypothetical, List.of(), related, null);
    return new Observation(Fingerprints.advice(RULE, st.target(), st.dbId(), st.queryId()), Severity.INFO, st,
        summary, evidence);
  }

  /** A drift on the scanned table whose leading column the scan filters on; the one most databases have first. */
  private static Optional<FleetDrift.Gap> gapFor(FleetDrift drift, Subject.Statement st, IndexCandidate c) {
    List<String> filtered = c.filter().all();
    return drift.lacking(st.target(), st.dbId(), c.schema(), c.table()).stream()
        .filter(g -> !g.fleetIndex().columns().isEmpty()
            && filtered.contains(Identifiers.unquote(g.fleetIndex().columns().get(0))))
        .max(Comparator.comparingInt(FleetDrift.Gap::databasesWithIndex)
            .thenComparing(FleetDrift.Gap::fingerprint, Comparator.reverseOrder()));
  }

  private static double round(double v) {
    return Math.round(v * 10.0) / 10.0;
  }
}

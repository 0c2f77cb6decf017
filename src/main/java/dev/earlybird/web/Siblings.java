package dev.earlybird.web;

import dev.earlybird.history.FamilyDatabase;
import dev.earlybird.history.FamilyFilter;
import dev.earlybird.history.FamilyReads;
import dev.earlybird.model.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A statement's siblings: the same SQL (its family) in the fleet's other databases, for the statement page. Read
 * with the family page's reads ({@link FamilyReads#databases}, {@link FamilyReads#series}), over the page's window.
 */
public final class Siblings {
  /** The slowest siblings the page charts and lists. */
  static final int WORST = 5;

  private Siblings() {}

  /**
   * @param databases every database that ran the family in the window, this one included
   * @param rank this database's place among them by per-call time, 1 = the slowest; null when it did not run
   * @param medianMs the median over the databases of their per-call mean (as the families view computes it)
   * @param ratio this database's per-call mean over the median; null when it did not run or the median is 0
   * @param worst the slowest other databases, slowest first
   * @param chart per-call time over time: the fleet's median and the {@code worst} siblings' series
   * @param self this database's own series in the same buckets; null when it did not run
   */
  public record SiblingsJson(String family, String link, int databases, Integer rank, double medianMs, Double ratio,
      List<SiblingJson> worst, FamiliesApi.ChartJson chart, FamiliesApi.SeriesJson self) {}

  /** One sibling: its per-call mean over the window and its ratio to the fleet's median. */
  public record SiblingJson(String target, String database, String tenant, String queryId, long calls, double meanMs,
      Double ratio, String link) {}

  /**
   * @param base the request's base path, for links
   * @return empty when no database ran the family in the window
   */
  static Optional<SiblingsJson> of(FamilyReads reads, String family, String target, long dbId, Period window,
      UnaryOperator<String> tenantOf, String base) {
    FamilyFilter f = new FamilyFilter(window, Optional.empty(), Optional.empty(), tenantOf);
    List<FamilyDatabase> all = reads.databases(f, family);
    if (all.isEmpty()) {
      return Optional.empty();
    }
    double median = median(all);
    List<FamilyDatabase> worst = new ArrayList<>();
    FamilyDatabase self = null;
    Integer rank = null;
    for (int i = 0; i < all.size(); i++) {
      FamilyDatabase d = all.get(i);
      if (d.target().equals(target) && d.dbId() == dbId) {
        self = d;
        rank = i + 1;
      } else if (worst.size() < WORST) {
        worst.add(d);
      }
    }
    List<FamilyDatabase> charted = new ArrayList<>(worst);
    if (self != null) {
      charted.add(self);
    }
    FamiliesApi.ChartJson drawn = FamiliesApi.chart(reads, f, family, charted, false);
    // The chart's last series is this database's when it ran: it is drawn apart from its siblings.
    List<FamiliesApi.SeriesJson> lines = drawn.worst();
    FamiliesApi.SeriesJson own = self == null ? null : lines.getLast();
    FamiliesApi.ChartJson chart = new FamiliesApi.ChartJson(drawn.bucket(), drawn.median(),
        self == null ? lines : lines.subList(0, lines.size() - 1));
    List<SiblingJson> rows = worst.stream()
        .map(d -> new SiblingJson(d.target(), d.database(), d.tenant(), Long.toString(d.queryId()), d.calls(),
            Api.round(d.meanMs()), FamiliesApi.ratio(d.meanMs(), median),
            d.database() == null ? null : base + Links.query(d.target(), d.database(), d.queryId())))
        .toList();
    return Optional.of(new SiblingsJson(family, base + FamilyPages.family(family, window.from(), window.to()), all.size(), rank,
        Api.round(median), self == null ? null : FamiliesApi.ratio(self.meanMs(), median), rows, chart, own));
  }

  /** The median of the databases' per-call means, interpolated between the middle two as percentile_cont(0.5). */
  static double median(List<FamilyDatabase> dbs) {
    double[] means = dbs.stream().mapToDouble(FamilyDatabase::meanMs).sorted().toArray();
    if (means.length == 0) {
      return 0;
    }
    double at = (means.length - 1) / 2.0;
    int lo = (int) Math.floor(at);
    int hi = (int) Math.ceil(at);
    return means[lo] + (means[hi] - means[lo]) * (at - lo);
  }
}

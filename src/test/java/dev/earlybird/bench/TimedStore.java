package dev.earlybird.bench;

import dev.earlybird.history.CandidateFilter;
import dev.earlybird.history.FindingFilter;
import dev.earlybird.history.FindingRow;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.HotQueryFilter;
import dev.earlybird.history.HotQueryRow;
import dev.earlybird.history.OutlierFilter;
import dev.earlybird.history.OutlierRow;
import dev.earlybird.history.PollRecord;
import dev.earlybird.history.Retention;
import dev.earlybird.history.SeriesPoint;
import dev.earlybird.history.StatementComparison;
import dev.earlybird.history.StatementRef;
import dev.earlybird.history.StoreHealth;
import dev.earlybird.history.StoreStats;
import dev.earlybird.history.TargetRecord;
import dev.earlybird.history.TextKey;
import dev.earlybird.history.Usage;
import dev.earlybird.model.CloudWatchMetric;
import dev.earlybird.model.CloudWatchSample;
import dev.earlybird.model.CloudWatchScope;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Finding;
import dev.earlybird.model.Period;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementText;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A {@link HistoryStore} that passes every call through and adds up, per method, how long the calls the
 * analysis makes took and how many rows came back: where an evaluation's time goes, without touching it.
 */
final class TimedStore implements HistoryStore {
  /** Calls, total milliseconds and rows returned of one method since the last {@link #reset}. */
  static final class Tally {
    int calls;
    double ms;
    long rows;
  }

  private final HistoryStore store;
  private final Map<String, Tally> tallies = new TreeMap<>();

  TimedStore(HistoryStore store) {
    this.store = store;
  }

  synchronized void reset() {
    tallies.clear();
  }

  synchronized Map<String, Tally> tallies() {
    return new TreeMap<>(tallies);
  }

  private <T> T timed(String name, Supplier<T> call) {
    long t0 = System.nanoTime();
    T out = call.get();
    double ms = (System.nanoTime() - t0) / 1e6;
    synchronized (this) {
      Tally t = tallies.computeIfAbsent(name, k -> new Tally());
      t.calls++;
      t.ms += ms;
      t.rows += switch (out) {
        case List<?> l -> l.size();
        case Map<?, ?> m -> m.size();
        case Set<?> s -> s.size();
        case null, default -> 0;
      };
    }
    return out;
  }

  private void timed(String name, Runnable call) {
    timed(name, () -> {
      call.run();
      return null;
    });
  }

  @Override
  public void recordPoll(PollRecord poll) {
    timed("recordPoll", () -> store.recordPoll(poll));
  }

  @Override
  public void upsertTarget(TargetRecord target) {
    timed("upsertTarget", () -> store.upsertTarget(target));
  }

  @Override
  public void upsertDatabases(String target, List<DatabaseInfo> databases) {
    timed("upsertDatabases", () -> store.upsertDatabases(target, databases));
  }

  @Override
  public void saveTexts(List<StatementText> texts) {
    timed("saveTexts", () -> store.saveTexts(texts));
  }

  @Override
  public void maintain(Instant now, Retention retention) {
    timed("maintain", () -> store.maintain(now, retention));
  }

  @Override
  public void recordEvaluation(
      Instant windowEnd, List<Finding> changed, List<String> deletedIds, dev.earlybird.history.AlertWrites alerts) {
    timed("recordEvaluation", () -> store.recordEvaluation(windowEnd, changed, deletedIds, alerts));
  }

  @Override
  public OptionalLong analysisWatermark() {
    return timed("analysisWatermark", store::analysisWatermark);
  }

  @Override
  public List<Finding> openFindings() {
    return timed("openFindings", store::openFindings);
  }

  @Override
  public List<FindingRow> findings(FindingFilter filter) {
    return timed("findings", () -> store.findings(filter));
  }

  @Override
  public java.util.Map<String, java.util.Map<dev.earlybird.model.Severity, Long>> activeFindingCounts() {
    return timed("activeFindingCounts", store::activeFindingCounts);
  }

  @Override
  public java.util.Map<String, dev.earlybird.history.TargetCpu> targetCpu(Instant from, Instant to) {
    return timed("targetCpu", () -> store.targetCpu(from, to));
  }

  @Override
  public Set<String> polledTargets(Period period) {
    return timed("polledTargets", () -> store.polledTargets(period));
  }

  @Override
  public Map<String, Instant> serverStarts() {
    return timed("serverStarts", store::serverStarts);
  }

  @Override
  public void recordServerStart(String target, Instant startedAt, String version) {
    store.recordServerStart(target, startedAt, version);
  }

  @Override
  public dev.earlybird.history.PinnedBaseline pinBaseline(
      String name, Optional<String> target, Instant from, Instant to) {
    return store.pinBaseline(name, target, from, to);
  }

  @Override
  public void deleteBaseline(String name) {
    store.deleteBaseline(name);
  }

  @Override
  public void recordCloudWatch(List<CloudWatchSample> samples) {
    store.recordCloudWatch(samples);
  }

  @Override
  public List<CloudWatchSample> cloudWatchSeries(
      String target, CloudWatchScope scope, CloudWatchMetric metric, Instant from, Instant to) {
    return timed("cloudWatchSeries", () -> store.cloudWatchSeries(target, scope, metric, from, to));
  }

  @Override
  public Map<String, Instant> lastCloudWatchSamples(CloudWatchScope scope) {
    return timed("lastCloudWatchSamples", () -> store.lastCloudWatchSamples(scope));
  }

  @Override
  public List<dev.earlybird.history.PinnedBaseline> baselines() {
    return store.baselines();
  }

  @Override
  public Optional<dev.earlybird.history.PinnedBaseline> baseline(String name) {
    return store.baseline(name);
  }

  @Override
  public List<HotQueryRow> baselineStatements(String name) {
    return store.baselineStatements(name);
  }

  @Override
  public Map<String, Instant> lastGoodPolls() {
    return timed("lastGoodPolls", store::lastGoodPolls);
  }

  @Override
  public Map<String, Instant> firstPolls() {
    return timed("firstPolls", store::firstPolls);
  }

  @Override
  public List<StatementComparison> compare(
      Period window, List<Period> baseline, Map<String, Set<Long>> scope, CandidateFilter filter) {
    return timed("compare", () -> store.compare(window, baseline, scope, filter));
  }

  @Override
  public List<OutlierRow> outliers(Period window, OutlierFilter filter) {
    return timed("outliers", () -> store.outliers(window, filter));
  }

  @Override
  public Map<StatementRef, Usage> usage(List<Period> periods, List<StatementRef> statements) {
    return timed("usage", () -> store.usage(periods, statements));
  }

  @Override
  public List<Map<StatementRef, dev.earlybird.history.CallTime>> callTimes(
      List<dev.earlybird.history.CallTime.Read> reads) {
    return timed("callTimes", () -> store.callTimes(reads));
  }

  @Override
  public dev.earlybird.history.PeriodSums periodSums(String target, List<Period> periods) {
    return timed("periodSums", () -> store.periodSums(target, periods));
  }

  @Override
  public Optional<Snapshot> lastSnapshot(String target) {
    return timed("lastSnapshot", () -> store.lastSnapshot(target));
  }

  @Override
  public Set<TextKey> knownTextKeys(String target) {
    return timed("knownTextKeys", () -> store.knownTextKeys(target));
  }

  @Override
  public Optional<StatementText> text(String target, long dbId, long queryId) {
    return timed("text", () -> store.text(target, dbId, queryId));
  }

  @Override
  public List<TargetRecord> targets() {
    return timed("targets", store::targets);
  }

  @Override
  public List<DatabaseInfo> databases(String target) {
    return timed("databases", () -> store.databases(target));
  }

  @Override
  public dev.earlybird.history.FamilyReads families() {
    return store.families();
  }

  @Override
  public List<HotQueryRow> hotQueries(HotQueryFilter filter) {
    return timed("hotQueries", () -> store.hotQueries(filter));
  }

  @Override
  public dev.earlybird.history.HotRanking hotRanking(HotQueryFilter filter,
      java.util.Optional<java.util.function.Predicate<String>> databases) {
    return timed("hotRanking", () -> store.hotRanking(filter, databases));
  }

  @Override
  public List<SeriesPoint> querySeries(String target, long dbId, long queryId, Instant from, Instant to) {
    return timed("querySeries", () -> store.querySeries(target, dbId, queryId, from, to));
  }

  @Override
  public boolean recordPiWindow(dev.earlybird.model.PiWindow window, List<dev.earlybird.model.PiShare> shares,
      java.time.Instant readAt) {
    return store.recordPiWindow(window, shares, readAt);
  }

  @Override
  public java.util.Optional<java.time.Instant> lastPiWindowEnd(String target) {
    return store.lastPiWindowEnd(target);
  }

  @Override
  public List<dev.earlybird.history.StatementActivity> piJoinCandidates(String target, Period window,
      java.util.Collection<Long> queryIds, boolean withTexts) {
    return store.piJoinCandidates(target, window, queryIds, withTexts);
  }

  @Override
  public Map<StatementRef, Double> piCpu(Period window, java.util.Collection<StatementRef> statements) {
    return timed("piCpu", () -> store.piCpu(window, statements));
  }

  @Override
  public java.util.Optional<dev.earlybird.history.PiStatementWaits> piWaits(StatementRef statement, Period window) {
    return store.piWaits(statement, window);
  }

  @Override
  public List<dev.earlybird.history.PiOnlyRow> piOnly(Period window, java.util.Optional<String> target) {
    return store.piOnly(window, target);
  }

  @Override
  public List<dev.earlybird.model.PiWindow.PiDatabaseLoad> piDatabases(String target, Period window) {
    return store.piDatabases(target, window);
  }

  @Override
  public List<dev.earlybird.model.PiWindow.PiPoint> piTimeline(String target, Period window) {
    return store.piTimeline(target, window);
  }

  @Override
  public StoreStats stats() {
    return timed("stats", store::stats);
  }

  @Override
  public long fileSizeBytes() {
    return store.fileSizeBytes();
  }

  @Override
  public java.util.Set<Integer> claimShards() {
    return store.claimShards();
  }

  @Override
  public Map<Integer, String> shardOwners() {
    return store.shardOwners();
  }

  @Override
  public StoreHealth health() {
    return store.health();
  }

  @Override
  public void close() {
    store.close();
  }
}

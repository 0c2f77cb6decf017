package dev.earlybird.history;

import dev.earlybird.model.CloudWatchMetric;
import dev.earlybird.model.CloudWatchSample;
import dev.earlybird.model.CloudWatchScope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code cloudwatch_sample} table (schema 7): CloudWatch datapoints per target, scope, metric and period. */
final class CloudWatchTable {
  private CloudWatchTable() {}

  /**
   * Adds the samples that are not stored yet, in the caller's transaction. The batch goes through the staging
   * table in bulk (fast), then only rows absent from {@code cloudwatch_sample} move over: a window
   * read twice (a retry after an error, a restart) never duplicates a datapoint.
   */
  static int insert(Connection c, List<CloudWatchSample> samples) throws SQLException {
    if (samples.isEmpty()) {
      return 0;
    }
    long oldest = Long.MAX_VALUE;
    // A statement first: it starts the transaction DuckDB's Appender then joins (see BulkRows).
    try (Statement s = c.createStatement()) {
      s.execute("DELETE FROM cloudwatch_staging");
    }
    try (BulkRows a = BulkRows.into(c, "cloudwatch_staging")) {
      for (CloudWatchSample x : samples) {
        long at = Columns.micros(x.at());
        oldest = Math.min(oldest, at);
        a.add(x.target()).add(x.scope().label()).add(x.metric().awsName()).add(at).add(x.value());
        a.endRow();
      }
    }
    int inserted;
    // The bound on c.at_us lets DuckDB skip the row groups of older days (rows arrive roughly in time order).
    try (PreparedStatement ps = c.prepareStatement(
        """
        INSERT INTO cloudwatch_sample
        SELECT DISTINCT ON (s.target, s.scope, s.metric, s.at_us) s.target, s.scope, s.metric, s.at_us, s.value
        FROM cloudwatch_staging s
        WHERE NOT EXISTS (
          SELECT 1 FROM cloudwatch_sample c
          WHERE c.at_us >= ? AND c.target = s.target AND c.scope = s.scope AND c.metric = s.metric
            AND c.at_us = s.at_us)""")) {
      ps.setLong(1, oldest);
      inserted = ps.executeUpdate();
    }
    try (Statement s = c.createStatement()) {
      s.execute("DELETE FROM cloudwatch_staging");
    }
    return inserted;
  }

  /** Samples with {@code from <= at < to}, oldest first. */
  static List<CloudWatchSample> series(
      Connection c, String target, CloudWatchScope scope, CloudWatchMetric metric, Instant from, Instant to)
      throws SQLException {
    List<CloudWatchSample> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        """
        SELECT at_us, value FROM cloudwatch_sample
        WHERE target = ? AND scope = ? AND metric = ? AND at_us >= ? AND at_us < ?
        ORDER BY at_us""")) {
      ps.setString(1, target);
      ps.setString(2, scope.label());
      ps.setString(3, metric.awsName());
      ps.setLong(4, Columns.micros(from));
      ps.setLong(5, Columns.micros(to));
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new CloudWatchSample(target, scope, metric, Columns.instant(rs.getLong(1)), rs.getDouble(2)));
        }
      }
    }
    return out;
  }

  /** Per target, the start of its newest stored datapoint in {@code scope}, any metric. */
  static Map<String, Instant> latest(Connection c, CloudWatchScope scope) throws SQLException {
    Map<String, Instant> out = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT target, max(at_us) FROM cloudwatch_sample WHERE scope = ? GROUP BY target")) {
      ps.setString(1, scope.label());
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), Columns.instant(rs.getLong(2)));
        }
      }
    }
    return out;
  }

  /** Retention: drops datapoints whose period started before {@code cutoff}, in the caller's transaction. */
  static void purge(Connection c, Instant cutoff) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM cloudwatch_sample WHERE at_us < ?")) {
      ps.setLong(1, Columns.micros(cutoff));
      ps.executeUpdate();
    }
  }
}

package dev.earlybird.history;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the ordered SQL resources {@code db/migration/V<n>__*.sql} that a store has not seen yet, each in
 * its own transaction together with its {@code schema_version} row. Refuses stores from a newer build.
 *
 * <p>A migration's version is the number in its file name, not its position in the list, and every listed
 * migration whose version the store lacks is applied, even below the store's highest one: parts developed
 * side by side take their own numbers (6 and 7, say), and a store that got 7 first still gets 6 when both
 * are merged. Migrations must therefore not depend on a lower version that is still being developed.
 */
final class SchemaMigrator {
  /** In order; append new migrations here (a test checks every file in the folder is listed). */
  static final List<String> MIGRATIONS =
      List.of("V1__init.sql", "V2__findings.sql", "V3__pinned_baselines.sql", "V4__kcache_cpu.sql",
          "V5__server_start.sql", "V6__performance_insights.sql", "V7__cloudwatch.sql", "V8__redact_query_texts.sql",
          "V9__io_timing.sql", "V10__alerts.sql", "V11__advisor.sql", "V12__window_spans.sql",
          "V13__postgres_layout.sql", "V14__shards.sql");

  /** Work a migration does in code after its SQL, in the same transaction (what SQL alone cannot do). */
  private static final Map<String, CodeStep> CODE = Map.of("V8__redact_query_texts.sql", QueryTextScrub::run,
      "V13__postgres_layout.sql", IntervalPartitions::partition);

  @FunctionalInterface
  private interface CodeStep {
    void run(Connection c) throws SQLException;
  }

  static final String LOCATION = "db/migration/";

  private SchemaMigrator() {}

  static int latestVersion() {
    return MIGRATIONS.stream().mapToInt(SchemaMigrator::version).max().orElse(0);
  }

  /** The {@code n} of {@code V<n>__name.sql}. */
  static int version(String migration) {
    int end = migration.indexOf("__");
    if (!migration.startsWith("V") || end < 2) {
      throw new IllegalStateException("migration " + migration + " is not named V<n>__<what>.sql");
    }
    return Integer.parseInt(migration.substring(1, end));
  }

  /** Returns the schema version after migrating. The connection must have autocommit off. */
  static int migrate(Connection c, String storeName) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          """
          CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            description VARCHAR NOT NULL,
            applied_at_us BIGINT NOT NULL)""");
      c.commit();
    }
    int current = currentVersion(c);
    if (current > latestVersion()) {
      throw new HistoryException(
          "history store "
              + storeName
              + " has schema version "
              + current
              + " but this Earlybird build knows versions up to "
              + latestVersion()
              + ": it was written by a newer Earlybird. Run that newer version, or point `store:` at another file or "
              + "database.");
    }
    Set<Integer> applied = appliedVersions(c);
    Set<Integer> known = new HashSet<>(MIGRATIONS.stream().map(SchemaMigrator::version).toList());
    for (int v : applied) {
      if (!known.contains(v)) {
        throw new HistoryException("history store " + storeName + " has schema version " + v + ", which this "
            + "Earlybird build does not know: it was written by another Earlybird build. Run that build, or point "
            + "`store:` at another file or database.");
      }
    }
    for (String name : MIGRATIONS) {
      int v = version(name);
      if (applied.contains(v)) {
        continue;
      }
      try (Statement s = c.createStatement();
          var insert = c.prepareStatement("INSERT INTO schema_version VALUES (?, ?, ?)")) {
        s.execute(load(name));
        CODE.getOrDefault(name, x -> {}).run(c);
        insert.setInt(1, v);
        insert.setString(2, name);
        insert.setLong(3, Columns.micros(Instant.now()));
        insert.executeUpdate();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw new HistoryException("migration " + name + " of history store " + storeName + " failed: " + e.getMessage(), e);
      }
    }
    return latestVersion();
  }

  /** For a store opened read-only, which cannot migrate: its schema must be this build's. */
  static void requireCurrent(Connection c, String storeName) {
    int version;
    Set<Integer> applied;
    try {
      version = currentVersion(c);
      applied = appliedVersions(c);
    } catch (SQLException e) {
      throw new HistoryException("history store " + storeName + " has no Earlybird schema: is it an Earlybird "
          + "store? Check `store:` in the config.", e);
    }
    boolean complete = applied.containsAll(MIGRATIONS.stream().map(SchemaMigrator::version).toList());
    if (version != latestVersion() || !complete) {
      throw new HistoryException("history store " + storeName + " has schema version " + version + ", this "
          + "Earlybird reads version " + latestVersion() + ": run this version's agent (earlybird run) once to "
          + "upgrade the store, or use the Earlybird that wrote it.");
    }
  }

  static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
      rs.next();
      int v = rs.getInt(1);
      c.commit();
      return v;
    }
  }

  private static Set<Integer> appliedVersions(Connection c) throws SQLException {
    Set<Integer> out = new HashSet<>();
    try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT version FROM schema_version")) {
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
    }
    c.commit();
    return out;
  }

  private static String load(String name) {
    try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(LOCATION + name)) {
      if (in == null) {
        throw new IllegalStateException("migration resource missing from the build: " + LOCATION + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + name, e);
    }
  }
}

package dev.earlybird.history;

import dev.earlybird.model.QueryFamily;
import dev.earlybird.model.QueryTextRedactor;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Migration 9: the query texts a store kept before {@code poll.queryText} existed, redacted like new ones, so a
 * password typed in SQL and stored by an older Earlybird is gone after the upgrade. Only texts the redactor changes
 * are rewritten (utility statements with literals: few), with their family, and the family of their findings. A
 * store kept with {@code full} or {@code none} is scrubbed too: the migration cannot know what the next config says,
 * and redacting is the safe side.
 */
final class QueryTextScrub {
  private QueryTextScrub() {}

  static void run(Connection c) throws SQLException {
    statementTexts(c);
    piStatements(c);
  }

  private record Changed(String target, long dbId, long queryId, String oldFamily, String query, String family) {}

  private static void statementTexts(Connection c) throws SQLException {
    List<Changed> changed = new ArrayList<>();
    try (var s = c.createStatement();
        var rs = s.executeQuery("SELECT target, dbid, queryid, query, family FROM statement_text")) {
      while (rs.next()) {
        String query = rs.getString(4);
        String redacted = QueryTextRedactor.redact(query);
        if (!redacted.equals(query)) {
          changed.add(new Changed(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(5), redacted,
              QueryFamily.of(redacted)));
        }
      }
    }
    try (var text = c.prepareStatement(
            "UPDATE statement_text SET query = ?, family = ? WHERE target = ? AND dbid = ? AND queryid = ?");
        var finding = c.prepareStatement(
            "UPDATE finding SET family = ? WHERE target = ? AND dbid = ? AND queryid = ? AND family = ?")) {
      for (Changed x : changed) {
        text.setString(1, x.query());
        text.setString(2, x.family());
        text.setString(3, x.target());
        text.setLong(4, x.dbId());
        text.setLong(5, x.queryId());
        text.executeUpdate();
        if (x.oldFamily() != null) {
          finding.setString(1, x.family());
          finding.setString(2, x.target());
          finding.setLong(3, x.dbId());
          finding.setLong(4, x.queryId());
          finding.setString(5, x.oldFamily());
          finding.executeUpdate();
        }
      }
    }
  }

  /** PI tokenizes its digests, but an older store may hold what a future PI version leaves in. */
  private static void piStatements(Connection c) throws SQLException {
    List<String[]> changed = new ArrayList<>();
    try (var s = c.createStatement(); var rs = s.executeQuery("SELECT DISTINCT statement FROM pi_statement")) {
      while (rs.next()) {
        String statement = rs.getString(1);
        String redacted = QueryTextRedactor.redact(statement);
        if (!redacted.equals(statement)) {
          changed.add(new String[] {statement, redacted});
        }
      }
    }
    try (var ps = c.prepareStatement("UPDATE pi_statement SET statement = ? WHERE statement = ?")) {
      for (String[] x : changed) {
        ps.setString(1, x[1]);
        ps.setString(2, x[0]);
        ps.executeUpdate();
      }
    }
  }
}

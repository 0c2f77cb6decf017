package dev.earlybird.source.postgres;

import dev.earlybird.model.QueryFamily;
import dev.earlybird.model.StatementKey;
import dev.earlybird.model.StatementText;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Fetches query texts for given statements only. A text belongs to {@code (dbid, queryid)}: pg_stat_statements
 * keeps one per entry, but entries differing only in user or nesting level have the same normalized text, so the
 * keys are collapsed to distinct pairs before asking. The family is computed from the text as read, so a text cut
 * at {@code maxLength} gets the family of its prefix (rare with a generous limit; {@code truncated} says so).
 */
final class StatementTexts {
  /** What pg_stat_statements shows instead of another user's text without pg_read_all_stats. */
  static final String INSUFFICIENT_PRIVILEGE = "<insufficient privilege>";

  private final String target;

  StatementTexts(String target) {
    this.target = target;
  }

  /** Texts of {@code keys} from the pg_stat_statements in {@code pgssSchema}, in its own read-only transaction. */
  List<StatementText> fetch(
      Connection c, Collection<StatementKey> keys, int maxLength, String pgssSchema, Duration statementTimeout)
      throws SQLException {
    if (maxLength <= 0) {
      throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
    }
    var pairs = new LinkedHashSet<Pair>();
    for (StatementKey key : keys) {
      pairs.add(new Pair(key.dbId(), key.queryId()));
    }
    if (pairs.isEmpty()) {
      return List.of();
    }
    Long[] dbIds = new Long[pairs.size()];
    Long[] queryIds = new Long[pairs.size()];
    int i = 0;
    for (Pair p : pairs) {
      dbIds[i] = p.dbId();
      queryIds[i] = p.queryId();
      i++;
    }
    var result = new ArrayList<StatementText>(pairs.size());
    try (PreparedStatement ps =
        c.prepareStatement(ReadOnlyTransaction.wrap(StatementQueries.texts(pgssSchema), statementTimeout))) {
      ReadOnlyTransaction.limitWait(ps, statementTimeout);
      Array dbArray = c.createArrayOf("int8", dbIds);
      Array queryArray = c.createArrayOf("int8", queryIds);
      ps.setInt(1, maxLength);
      ps.setInt(2, maxLength);
      ps.setArray(3, dbArray);
      ps.setArray(4, queryArray);
      try (ResultSet rs = ReadOnlyTransaction.resultSet(ps, ps.execute())) {
        while (rs.next()) {
          String text = rs.getString(3);
          if (text == null || text.equals(INSUFFICIENT_PRIVILEGE)) {
            continue; // NULL if the text file was lost; the placeholder is not a query and has no family
          }
          result.add(
              new StatementText(target, rs.getLong(1), rs.getLong(2), text, rs.getBoolean(4), QueryFamily.of(text)));
        }
      }
    } catch (SQLException e) {
      ReadOnlyTransaction.endFailed(c, e);
      throw e;
    }
    return List.copyOf(result);
  }

  private record Pair(long dbId, long queryId) {}
}

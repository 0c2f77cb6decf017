package dev.earlybird.source.postgres;

import dev.earlybird.config.QueryTextMode;
import dev.earlybird.model.QueryFamily;
import dev.earlybird.model.QueryTextRedactor;
import dev.earlybird.model.StatementKey;
import dev.earlybird.model.StatementText;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>Every text is from outside: it is passed through {@code poll.queryText} here, before anything stores or shows
 * it. The family of a redacted or withheld text is the redacted text's, so not even a hash of a secret is kept.
 */
final class StatementTexts {
  /** What pg_stat_statements shows instead of another user's text without pg_read_all_stats. */
  static final String INSUFFICIENT_PRIVILEGE = "<insufficient privilege>";

  private final String target;

  StatementTexts(String target) {
    this.target = target;
  }

  /** Texts of {@code keys} from the pg_stat_statements in {@code pgssSchema}, in its own read-only transaction. */
  List<StatementText> fetch(Connection c, Collection<StatementKey> keys, int maxLength, QueryTextMode mode,
      String pgssSchema, Duration statementTimeout)
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
          String text = lenientUtf8(rs.getBytes(3));
          if (text == null || text.equals(INSUFFICIENT_PRIVILEGE)) {
            continue; // NULL if the text file was lost; the placeholder is not a query and has no family
          }
          String redacted = QueryTextRedactor.redact(text);
          String family = QueryFamily.of(mode == QueryTextMode.FULL ? text : redacted);
          String applied = mode == QueryTextMode.REDACT ? redacted : mode.apply(text);
          // The withheld marker is not a text of the server: never cut it into an unclosed comment.
          String shown = mode == QueryTextMode.NONE ? applied : QueryTextRedactor.cut(applied, maxLength);
          boolean truncated = rs.getBoolean(4) || shown.length() < applied.length();
          result.add(new StatementText(target, rs.getLong(1), rs.getLong(2), shown, truncated, family));
        }
      }
    } catch (SQLException e) {
      ReadOnlyTransaction.endFailed(c, e);
      throw e;
    }
    return List.copyOf(result);
  }

  /**
   * The text's bytes as UTF-8, each invalid sequence one U+FFFD. Connected to a SQL_ASCII database, the server
   * passes another database's bytes through unchecked (Latin-1, say), and the driver's own decoding would fail
   * the whole read for one such text.
   */
  static String lenientUtf8(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("a replacing decoder does not throw", e);
    }
  }

  private record Pair(long dbId, long queryId) {}
}

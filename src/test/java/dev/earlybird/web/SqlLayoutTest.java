package dev.earlybird.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SqlLayoutTest {
  @Test
  void majorClausesStartLinesAndSubqueriesIndent() {
    assertEquals("""
        SELECT a, count(*)
        FROM t
        JOIN u ON u.id = t.id
        LEFT JOIN v ON v.id = t.id
        WHERE t.x IN (
          SELECT x
          FROM w
          WHERE y = $1
        )
        GROUP BY a
        ORDER BY 2 DESC
        LIMIT $2""",
        SqlLayout.format("SELECT a, count(*) FROM t JOIN u ON u.id = t.id LEFT JOIN v ON v.id = t.id"
            + " WHERE t.x IN (SELECT x FROM w WHERE y = $1) GROUP BY a ORDER BY 2 DESC LIMIT $2"));
  }

  @Test
  void keepsTheCaseOfEveryWord() {
    assertEquals("select a\nfrom t\nwhere b = $1", SqlLayout.format("select a from t where b = $1"));
  }

  @Test
  void clausesInsideFunctionsAndWindowsStayOnTheirLine() {
    assertEquals("SELECT extract(day FROM x), array_agg(y ORDER BY z), rank() OVER (PARTITION BY a ORDER BY b)\nFROM t",
        SqlLayout.format("SELECT extract(day FROM x), array_agg(y ORDER BY z), rank() OVER (PARTITION BY a ORDER BY b) FROM t"));
  }

  @Test
  void phrasesThatOnlyLookLikeClausesStayTogether() {
    assertEquals("DELETE FROM t\nWHERE a IS DISTINCT FROM b\nRETURNING id",
        SqlLayout.format("DELETE FROM t WHERE a IS DISTINCT FROM b RETURNING id"));
    assertEquals("SELECT *\nFROM t\nFOR UPDATE", SqlLayout.format("SELECT * FROM t FOR UPDATE"));
    assertEquals("INSERT INTO t (a)\nVALUES ($1)\nON CONFLICT (a) DO UPDATE\nSET a = excluded.a",
        SqlLayout.format("INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET a = excluded.a"));
    assertEquals("SELECT *\nFROM unnest($1) WITH ORDINALITY", SqlLayout.format("SELECT * FROM unnest($1) WITH ORDINALITY"));
    assertEquals("SELECT 1\nUNION ALL\nSELECT 2", SqlLayout.format("SELECT 1 UNION ALL SELECT 2"));
  }

  @Test
  void commonTableExpressionsIndentTheirQueries() {
    assertEquals("""
        WITH x AS (
          SELECT a
          FROM t
        )
        SELECT *
        FROM x""", SqlLayout.format("WITH x AS (SELECT a FROM t) SELECT * FROM x"));
  }

  @Test
  void literalsIdentifiersAndCommentsAreCopiedAsTheyAre() {
    String sql = "select 'from  where' , \"select  from\" , E'it\\'s  from' , $tag$ from\n  where $tag$ "
        + "/* from\n where /* nested */ select */ from t -- where  from\nwhere x = 'a''b  from'";
    String laid = SqlLayout.format(sql);
    assertEquals("select 'from  where' , \"select  from\" , E'it\\'s  from' , $tag$ from\n  where $tag$ "
        + "/* from\n where /* nested */ select */\nfrom t -- where  from\nwhere x = 'a''b  from'", laid);
  }

  @Test
  void aLineCommentKeepsTheLineBreakThatEndsIt() {
    assertEquals("SELECT a -- the a\n, b\nFROM t", SqlLayout.format("SELECT a -- the a\n  , b FROM t"));
  }

  @Test
  void onlyWhitespaceChangesWhateverTheInput() {
    List<String> inputs = List.of(
        "SELECT * FROM (SELECT a FROM (VALUES (1), (2)) v(a)) s WHERE a > 1 ORDER BY a LIMIT 10",
        "update accounts set balance = balance - $1 where id = $2 returning balance",
        "SELECT <script>alert(1)</script> FROM \"<b>\" WHERE x = '</pre>'",
        "  \n\tSELECT\n\n  1  \n",
        "SELECT 'unterminated FROM",
        "SELECT /* unterminated FROM WHERE",
        "SELECT $$ unterminated FROM",
        "SELECT a.from, b.select FROM t",
        "");
    for (String in : inputs) {
      String out = SqlLayout.format(in);
      assertEquals(nonWhitespaceTokens(in), nonWhitespaceTokens(out), in);
    }
  }

  @Test
  void nullStaysNull() {
    assertNull(SqlLayout.format(null));
  }

  private static String nonWhitespaceTokens(String sql) {
    return SqlLayout.tokens(sql).stream().filter(t -> t.kind() != SqlLayout.Kind.SPACE)
        .map(SqlLayout.Token::text).collect(Collectors.joining("\u0000"));
  }
}

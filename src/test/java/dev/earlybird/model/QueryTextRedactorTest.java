package dev.earlybird.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryTextRedactorTest {
  private static final String R = QueryTextRedactor.PLACEHOLDER;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      ALTER ROLE app PASSWORD 'S3cr3t-pw'                   | ALTER ROLE app PASSWORD '<redacted>'
      CREATE ROLE y LOGIN PASSWORD 'a''b' VALID UNTIL 'infinity' | CREATE ROLE y LOGIN PASSWORD '<redacted>' VALID UNTIL '<redacted>'
      CREATE USER u WITH ENCRYPTED PASSWORD 'md5abc' CONNECTION LIMIT 5 | CREATE USER u WITH ENCRYPTED PASSWORD '<redacted>' CONNECTION LIMIT 5
      ALTER USER u PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$k/ey:sig'   | ALTER USER u PASSWORD '<redacted>'
      CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'bob', password 'pw') | CREATE USER MAPPING FOR app SERVER s OPTIONS (user '<redacted>', password '<redacted>')
      CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db.internal', dbname 'x') | CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '<redacted>', dbname '<redacted>')
      COPY t FROM PROGRAM 'curl -u admin:hunter2 http://x/'  | COPY t FROM PROGRAM '<redacted>'
      SET app.secret = 'tok_123'                            | SET app.secret = '<redacted>'
      ALTER SYSTEM SET archive_command = 'aws s3 cp %p s3://b/%f' | ALTER SYSTEM SET archive_command = '<redacted>'
      ALTER ROLE app PASSWORD E'it\\'s\\\\'                 | ALTER ROLE app PASSWORD '<redacted>'
      SELECT e'a\\'b', E'c''d' AS x                         | SELECT '<redacted>', '<redacted>' AS x
      SELECT U&'\\0441\\043B' UESCAPE '!'                   | SELECT '<redacted>' UESCAPE '<redacted>'
      SELECT B'1010', X'1F', N'national'                    | SELECT '<redacted>', '<redacted>', '<redacted>'
      DO $$ BEGIN EXECUTE 'ALTER ROLE a PASSWORD ''x'''; END $$ | DO '<redacted>'
      CREATE FUNCTION f() RETURNS int AS $body$ SELECT 'pw' $$ $body$ LANGUAGE sql | CREATE FUNCTION f() RETURNS int AS '<redacted>' LANGUAGE sql
      SELECT * FROM t WHERE a = $1 AND b IN ($2, $10)       | SELECT * FROM t WHERE a = $1 AND b IN ($2, $10)
      SELECT "it's" FROM "we""ird" WHERE x = 'pw'           | SELECT "it's" FROM "we""ird" WHERE x = '<redacted>'
      SELECT name'x', somee'y', a$b FROM t                  | SELECT name'<redacted>', somee'<redacted>', a$b FROM t
      /* don't /* nest 'keep' */ still */ SELECT 'pw' -- it's 'kept' | /* don't /* nest 'keep' */ still */ SELECT '<redacted>' -- it's 'kept'
      SELECT 1.5e3, 0x1F, 42 FROM t LIMIT 10                | SELECT 1.5e3, 0x1F, 42 FROM t LIMIT 10
      """)
  void redactsStringConstantsOfRealStatements(String text, String expected) {
    assertThat(QueryTextRedactor.redact(text)).isEqualTo(expected);
  }

  @Test
  void commentsKeepTheirLinesAndNewlinesEndThem() {
    assertThat(QueryTextRedactor.redact("-- app 'tag'\nALTER ROLE a PASSWORD 'pw';\n"))
        .isEqualTo("-- app 'tag'\nALTER ROLE a PASSWORD " + R + ";\n");
  }

  @Test
  void aLiteralCutByTheLengthLimitIsRedactedToTheEnd() {
    String full = "ALTER ROLE app PASSWORD 'S3cr3t-very-long-password' VALID UNTIL '2030-01-01'";
    for (int cut = 0; cut <= full.length(); cut++) {
      String shown = QueryTextRedactor.redact(full.substring(0, cut));
      assertThat(shown).as("cut at %d", cut).doesNotContain("S3c").doesNotContain("2030");
    }
    assertThat(QueryTextRedactor.redact("DO $x$ BEGIN PERFORM 'secr")).isEqualTo("DO " + R);
    assertThat(QueryTextRedactor.redact("SELECT E'a\\")).isEqualTo("SELECT " + R);
    assertThat(QueryTextRedactor.redact("SELECT /* open comment 'x")).isEqualTo("SELECT /* open comment 'x");
  }

  @Test
  void aDollarThatOpensNoQuoteIsKept() {
    assertThat(QueryTextRedactor.redact("SELECT $ 1, $x, price$ FROM t")).isEqualTo("SELECT $ 1, $x, price$ FROM t");
  }

  @Test
  void markupAndUnicodeAreKeptAsText() {
    String text = "SELECT \"<script>alert(1)</script>\", '🔑 pw' /* ‮evil 𝕏 é */ FROM \"表\"";
    assertThat(QueryTextRedactor.redact(text))
        .isEqualTo("SELECT \"<script>alert(1)</script>\", " + R + " /* ‮evil 𝕏 é */ FROM \"表\"");
  }

  @Test
  void nulAndHalfCharactersBecomeReplacementCharacters() {
    String broken = "SELECT '\uD83D' \0 x\uDC00y \uD83D\uDE00";
    assertThat(QueryTextRedactor.clean(broken)).isEqualTo("SELECT '\uFFFD' \uFFFD x\uFFFDy \uD83D\uDE00");
    assertThat(QueryTextRedactor.redact(broken)).isEqualTo("SELECT " + R + " \uFFFD x\uFFFDy \uD83D\uDE00");
    assertThat(QueryTextRedactor.clean("plain")).isSameAs("plain");
    assertThat(QueryTextRedactor.redact(null)).isNull();
  }

  @Test
  void megabyteTextsTakeLinearTime() {
    String list = "SELECT * FROM t WHERE k IN (" + "'v', ".repeat(200_000) + "'v')";
    String comment = "/* " + "x".repeat(1_000_000) + " */ SELECT 1";
    String dollars = "SELECT " + "$1, ".repeat(250_000) + "'tail'";
    long t0 = System.nanoTime();
    String redacted = QueryTextRedactor.redact(list);
    assertThat(QueryTextRedactor.redact(comment).equals(comment)).as("a comment is kept").isTrue();
    assertThat(QueryTextRedactor.redact(dollars).endsWith("$1, " + R)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(redacted.startsWith("SELECT * FROM t WHERE k IN (" + R + ", ")).isTrue();
    assertThat(redacted.contains("'v'")).isFalse();
  }

  @Test
  void cuttingKeepsWholeCharactersAndWholePlaceholders() {
    assertThat(QueryTextRedactor.cut("ab😀cd", 3)).isEqualTo("ab😀");
    assertThat(QueryTextRedactor.cut("ab😀cd", 2)).isEqualTo("ab");
    assertThat(QueryTextRedactor.cut("e\u0301x", 1)).as("by code point; a combining mark is one").isEqualTo("e");
    String redacted = QueryTextRedactor.redact("SET a = 'x'");
    assertThat(QueryTextRedactor.cut(redacted, 12)).isEqualTo("SET a = ");
    assertThat(QueryTextRedactor.cut(redacted, 20)).isSameAs(redacted);
    assertThat(QueryTextRedactor.cut(null, 5)).isNull();
  }

  @Test
  void randomTextsNeverThrowAndNeverGrowAQuoteOfTheirOwn() {
    Random random = new Random(20261207);
    String alphabet = "'\"$eEuUbBxXnN&\\/*-\n 01aZ_😀\0\uD800é;()";
    for (int round = 0; round < 20_000; round++) {
      int length = random.nextInt(60);
      StringBuilder text = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String redacted = QueryTextRedactor.redact(text.toString());
      assertThat(redacted).as("redact(%s)", text).doesNotContain("\0");
      assertThat(QueryTextRedactor.redact(redacted)).as("idempotent for %s", text).isEqualTo(redacted);
    }
  }

  @Test
  void aSecretInsideAnyLiteralNeverSurvives() {
    Random random = new Random(7);
    String[] forms = {"'%s'", "E'%s'", "U&'%s'", "$$%s$$", "$q$%s$q$", "X'%s'"};
    String[] fillers = {"", "''", " ", "\\'", "$", "--", "/*", "\"", "\n"};
    for (int round = 0; round < 5_000; round++) {
      String body = fillers[random.nextInt(fillers.length)] + "SECRETVALUE" + fillers[random.nextInt(fillers.length)];
      String form = forms[random.nextInt(forms.length)];
      String escaped = form.startsWith("E") ? body.replace("\\", "\\\\") : body;
      String literal = String.format(form, form.startsWith("$") ? escaped : escaped.replace("'", "''"));
      String text = "ALTER ROLE a PASSWORD " + literal + " VALID UNTIL 'x'";
      assertThat(QueryTextRedactor.redact(text)).as(text).doesNotContain("SECRET");
    }
  }
}

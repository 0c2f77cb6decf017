package dev.earlybird.analysis;

import dev.earlybird.model.DatabaseCatalog.CatalogChurn;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code temp_table_churn}: statements that create temporary tables on a hot path, or fill the temporary tables
 * another statement of the same database creates that often. Each creation inserts a row into {@code pg_class} and
 * one per column into {@code pg_attribute} (and deletes them again at the end), so the catalog bloats and every
 * session pays for it; the fix is a rewrite. Fires when temporary tables are created at least
 * {@value #MIN_CREATIONS_PER_MINUTE} per minute and either the statement's own time matters or the catalog churn is
 * high. The text is only classified (CREATE TEMP TABLE, INSERT INTO one of those tables); no text goes into advice.
 * Pure.
 */
public final class TempTableChurn {
  static final String RULE = "temp_table_churn";
  static final double MIN_CREATIONS_PER_MINUTE = 1;
  /** One catalog row a second: far more than schema changes ever make. */
  static final double HIGH_PG_CLASS_INSERTS_PER_HOUR = 3600;

  private static final String NAME = "(?:\"(?:[^\"]|\"\")*\"|[\\w$]+)";
  private static final String LEADING_COMMENTS = "^(?:\\s|/\\*.*?\\*/|--[^\\n]*(?:\\n|$))*";
  private static final Pattern CREATE = Pattern.compile(LEADING_COMMENTS
      + "CREATE\\s+(?:GLOBAL\\s+|LOCAL\\s+)?TEMP(?:ORARY)?\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?"
      + "(" + NAME + "(?:\\s*\\.\\s*" + NAME + ")?)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern AS_QUERY = Pattern.compile("\\)?\\s*AS\\s*\\(?\\s*(?:SELECT|WITH|VALUES|TABLE)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern INSERT = Pattern.compile(LEADING_COMMENTS
      + "INSERT\\s+INTO\\s+(" + NAME + "(?:\\s*\\.\\s*" + NAME + ")?)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private TempTableChurn() {}

  /**
   * One statement of the database in the window.
   *
   * @param text its text, to classify only; null when not read
   */
  public record StatementUse(Subject.Statement statement, String text, long calls, double execMs) {}

  /** The database's catalog counters at the previous read and now; counters that fell (a reset) say nothing. */
  public record Churn(CatalogChurn before, Instant beforeAt, CatalogChurn now, Instant nowAt) {
    Optional<Double> pgClassInsertsPerHour() {
      return perHour(before.pgClassInserts(), now.pgClassInserts());
    }

    Optional<Double> pgAttributeInsertsPerHour() {
      return perHour(before.pgAttributeInserts(), now.pgAttributeInserts());
    }

    private Optional<Double> perHour(long a, long b) {
      // Nanoseconds: reads less than a second apart (a quick pass after a slow one) still give a rate.
      double hours = Duration.between(beforeAt, nowAt).toNanos() / 3.6e12;
      return hours > 0 && b >= a ? Optional.of((b - a) / hours) : Optional.empty();
    }
  }

  /**
   * @param statements the database's statements in the window (all of them: the CREATEs name the tables INSERTs fill)
   * @param churn the database's catalog churn; null when it was read only once
   * @param minPerHour execution time per hour a statement needs for its own time to matter
   */
  public static List<Observation> observe(List<StatementUse> statements, Duration window, Churn churn,
      Duration minPerHour) {
    double minutes = window.toNanos() / 6e10;
    double hours = minutes / 60;
    if (!(minutes > 0)) {
      return List.of();
    }
    List<StatementUse> uses = sameTextTogether(statements);
    Map<String, Double> createdPerMinute = new HashMap<>();
    List<String> creates = uses.stream().map(s -> created(s.text()).orElse(null)).toList();
    for (int i = 0; i < uses.size(); i++) {
      if (creates.get(i) != null) {
        createdPerMinute.merge(creates.get(i), uses.get(i).calls() / minutes, Double::sum);
      }
    }
    Optional<Double> classPerHour = churn == null ? Optional.empty() : churn.pgClassInsertsPerHour();
    boolean catalogHigh = classPerHour.filter(v -> v >= HIGH_PG_CLASS_INSERTS_PER_HOUR).isPresent();
    List<Observation> out = new ArrayList<>();
    for (int i = 0; i < uses.size(); i++) {
      StatementUse s = uses.get(i);
      String created = creates.get(i);
      String table = created != null ? created : inserted(s.text()).filter(createdPerMinute::containsKey).orElse(null);
      if (table == null || s.calls() <= 0) {
        continue;
      }
      double rate = createdPerMinute.get(table);
      boolean matters = s.execMs() / hours >= minPerHour.toMillis();
      if (rate < MIN_CREATIONS_PER_MINUTE || !(matters || catalogHigh)) {
        continue;
      }
      out.add(observation(s, table, created != null, asQuery(s.text()), rate, s.calls() / minutes, churn));
    }
    return out;
  }

  /**
   * The entries of one text as one statement, under the entry with the most calls. Before PostgreSQL 18
   * pg_stat_statements tells each transaction's temporary table apart by its oid, so the same INSERT into it is a
   * new entry in every transaction: without this, one advice per transaction.
   */
  static List<StatementUse> sameTextTogether(List<StatementUse> statements) {
    Map<Object, StatementUse> byText = new LinkedHashMap<>();
    for (StatementUse s : statements) {
      byText.merge(s.text() != null ? s.text() : s, s, (a, b) -> {
        StatementUse top = b.calls() > a.calls() ? b : a;
        return new StatementUse(top.statement(), top.text(), a.calls() + b.calls(), a.execMs() + b.execMs());
      });
    }
    return List.copyOf(byText.values());
  }

  private static Observation observation(StatementUse s, String table, boolean creates, boolean asQuery,
      double createdPerMinute, double callsPerMinute, Churn churn) {
    Map<String, Double> numbers = new LinkedHashMap<>();
    numbers.put("tempTablesPerMinute", round(createdPerMinute));
    numbers.put("callsPerMinute", round(callsPerMinute));
    String catalog = "";
    if (churn != null) {
      Optional<Double> cls = churn.pgClassInsertsPerHour();
      Optional<Double> att = churn.pgAttributeInsertsPerHour();
      cls.ifPresent(v -> numbers.put("pgClassInsertsPerHour", round(v)));
      att.ifPresent(v -> numbers.put("pgAttributeInsertsPerHour", round(v)));
      numbers.put("catalogDeadTuples", (double) churn.now().deadTuples());
      if (cls.isPresent() && att.isPresent()) {
        catalog = String.format(Locale.ROOT, "; the database inserts %,.0f rows per hour into pg_class and %,.0f into "
            + "pg_attribute, with %,d dead rows in them now", cls.get(), att.get(), churn.now().deadTuples());
      }
    }
    String what = creates
        ? String.format(Locale.ROOT, "creates temporary table %s %,.1f times per minute", table, createdPerMinute)
        : String.format(Locale.ROOT, "fills temporary table %s (%,.1f calls per minute), which this database creates "
            + "%,.1f times per minute", table, callsPerMinute, createdPerMinute);
    String fix = asQuery
        ? "fold the query that fills it into the statement that reads it, as a CTE (WITH " + table + " AS (...)) or a "
            + "subquery; where the table must stay, create it once per session with ON COMMIT DELETE ROWS"
        : "pass the rows as an array parameter and read them with unnest($1) in the statement that uses them, or "
            + "replace the fill-then-read steps with one set-based statement (INSERT ... SELECT, UPDATE ... FROM, a "
            + "CTE); where a temporary table must stay, create it once per session (CREATE TEMP TABLE IF NOT EXISTS "
            + "... ON COMMIT DELETE ROWS) instead of per transaction";
    Subject.Statement st = s.statement();
    // A fill statement's entries come and go with each transaction's table (before 18): its text keeps the advice.
    String fp = creates ? Fingerprints.advice(RULE, st.target(), st.dbId(), st.queryId())
        : Fingerprints.advice(RULE, String.join("\u0000", st.target(), Long.toString(st.dbId()), s.text()));
    return new Observation(fp, Severity.INFO, st, what,
        new Evidence.Advice(RULE, what + catalog + ": " + fix, null, numbers));
  }

  /** The temporary table a CREATE TEMP TABLE names, normalized; empty for any other text. */
  static Optional<String> created(String text) {
    return name(CREATE, text);
  }

  /** The table an INSERT INTO names, normalized; empty for any other text. */
  static Optional<String> inserted(String text) {
    return name(INSERT, text);
  }

  private static boolean asQuery(String text) {
    Matcher m = text == null ? null : CREATE.matcher(text);
    return m != null && m.lookingAt() && AS_QUERY.matcher(text).region(m.end(), text.length()).find();
  }

  private static Optional<String> name(Pattern p, String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = p.matcher(text);
    if (!m.lookingAt()) {
      return Optional.empty();
    }
    String[] parts = m.group(1).split("\\s*\\.\\s*(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
    String last = parts[parts.length - 1];
    if (parts.length == 2 && !normalize(parts[0]).equals("pg_temp")) {
      return Optional.empty(); // a table in a named schema is not a temporary one
    }
    return Optional.of(Identifiers.quote(normalize(last)));
  }

  /** As PostgreSQL folds it: quoted names keep their case, others are lower-cased. */
  private static String normalize(String printed) {
    return printed.startsWith("\"") ? Identifiers.unquote(printed) : printed.toLowerCase(Locale.ROOT);
  }

  private static double round(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}

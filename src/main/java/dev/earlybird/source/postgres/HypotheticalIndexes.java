package dev.earlybird.source.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.model.HypotheticalCost;
import dev.earlybird.model.PlanCapture.Planned;
import dev.earlybird.model.PlanCapture.Skipped;
import dev.earlybird.model.PlanCapture;
import dev.earlybird.source.postgres.GenericPlans.Around;
import dev.earlybird.source.postgres.HypotheticalOutcome.Tried;
import dev.earlybird.source.postgres.HypotheticalOutcome.Untried;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Tries one candidate btree index for one statement text with HypoPG, without building it: the statement's generic
 * plan ({@link GenericPlans}) is costed without the index, then with a hypothetical one created by {@code
 * hypopg_create_index} in the same transaction as the EXPLAIN and dropped by {@code hypopg_reset()} before its
 * COMMIT.
 *
 * <p>Hypothetical indexes are state of the backend session and survive ROLLBACK: through a pooler in transaction
 * mode, one left behind would change the plans of other clients that get that server connection next. So the reset
 * runs again after every try and its result is checked; if it cannot be confirmed, the connection is closed (a
 * closed session takes its hypothetical indexes with it).
 *
 * <p>Only a plain {@code CREATE INDEX ON schema.table USING btree (col[, col])} on a base table is tried, checked
 * against a strict pattern: HypoPG has crashed backends on partial indexes through views, and the DDL ends up
 * inside a string literal, so nothing else gets near it.
 */
public final class HypotheticalIndexes {
  private static final String IDENT = "(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"\\\\\\x00]|\"\")+\")";
  /** {@code CREATE INDEX ON schema.table USING btree (col[, col])}, nothing more. */
  static final Pattern DDL = Pattern.compile("(?i)CREATE INDEX ON (" + IDENT + ")\\.(" + IDENT + ") USING btree \\("
      + IDENT + "(?:, " + IDENT + ")?\\)");
  /** HypoPG names its indexes {@code <oid>btree_table_col}, which no real index in a plan is called. */
  private static final Pattern HYPOTHETICAL_NAME = Pattern.compile("^<\\d+>");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final GenericPlans plans;

  public HypotheticalIndexes(GenericPlans plans) {
    this.plans = Objects.requireNonNull(plans, "plans");
  }

  /**
   * The generic plan cost of {@code text} without and with the index {@code createIndexDdl}, or why it was not
   * tried.
   *
   * @param c an autocommit connection to the statement's database; closed here if the hypothetical index could not
   *     be confirmed gone
   * @param hypopgSchema the schema HypoPG is created in (from {@code DatabaseCatalog.hypopgSchema}); null or blank:
   *     not created, nothing is tried
   * @throws SQLException only when the connection failed
   */
  public HypotheticalOutcome cost(
      Connection c, int serverMajor, String text, boolean truncated, String hypopgSchema, String createIndexDdl)
      throws SQLException {
    var ddl = DDL.matcher(createIndexDdl);
    if (!ddl.matches()) {
      return new Untried("only a plain CREATE INDEX ON schema.table USING btree (column[, column]) is tried with"
          + " HypoPG, not: " + createIndexDdl);
    }
    if (hypopgSchema == null || hypopgSchema.isBlank()) {
      return new Untried("HypoPG is not created in this database (CREATE EXTENSION hypopg; Earlybird never creates"
          + " it)");
    }
    String table = ddl.group(1) + "." + ddl.group(2);
    String kind = relkind(c, table);
    if (!"r".equals(kind)) {
      return new Untried(kind == null ? "no table " + table : table + " is not a plain table (relkind " + kind
          + "): HypoPG is only tried on tables");
    }
    PlanCapture before = plans.capture(c, serverMajor, text, truncated);
    if (before instanceof Skipped s) {
      return new Untried("the statement cannot be planned: " + s.detail());
    }
    String hypopg = GenericPlans.quoted(hypopgSchema) + ".";
    PlanCapture after;
    try {
      after = plans.capture(c, serverMajor, text, truncated, new Around(
          "SELECT " + hypopg + "hypopg_reset();SELECT * FROM " + hypopg + "hypopg_create_index(" + literal(
              createIndexDdl) + ")",
          "SELECT " + hypopg + "hypopg_reset()"));
    } finally {
      resetOrClose(c, hypopg);
    }
    if (after instanceof Skipped s) {
      return new Untried("the statement cannot be planned with the index: " + s.detail());
    }
    JsonNode withIndex = root(after);
    return new Tried(new HypotheticalCost(
        createIndexDdl, totalCost(root(before)), totalCost(withIndex), usesHypothetical(withIndex)));
  }

  /** pg_class.relkind of {@code qualifiedName} (identifier syntax), null if there is no such relation. */
  private String relkind(Connection c, String qualifiedName) throws SQLException {
    return ReadOnlyTransaction.query(c, plans.statementTimeout(),
        GenericPlans.MARK + "SELECT relkind::text FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass("
            + literal(qualifiedName) + ")",
        rs -> rs.next() ? rs.getString(1) : null);
  }

  /**
   * Resets HypoPG's hypothetical indexes in this session again and checks that none is left; closes the
   * connection if that cannot be confirmed.
   */
  private void resetOrClose(Connection c, String hypopg) {
    try {
      if (c.isClosed()) {
        return;
      }
      long left;
      try (Statement s = c.createStatement()) {
        ReadOnlyTransaction.limitWait(s, plans.statementTimeout());
        boolean isResultSet = s.execute(ReadOnlyTransaction.wrap("SELECT " + hypopg + "hypopg_reset();"
            + "SELECT pg_catalog.count(*) FROM " + hypopg + "hypopg()", plans.statementTimeout()));
        ReadOnlyTransaction.resultSet(s, isResultSet).close();
        try (ResultSet rs = ReadOnlyTransaction.resultSet(s, s.getMoreResults())) {
          left = rs.next() ? rs.getLong(1) : -1;
        }
      }
      if (left != 0) {
        closeQuietly(c);
      }
    } catch (SQLException e) {
      ReadOnlyTransaction.endFailed(c, e);
      PgConnector.cancelIfAbandoned(c);
      closeQuietly(c);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // the session ends with its socket, and its hypothetical indexes with it
    }
  }

  private static JsonNode root(PlanCapture planned) throws SQLException {
    try {
      return JSON.readTree(((Planned) planned).json()).path(0).path("Plan");
    } catch (IOException e) {
      throw new SQLException("EXPLAIN returned JSON that cannot be read", e);
    }
  }

  static double totalCost(JsonNode plan) throws SQLException {
    JsonNode cost = plan.get("Total Cost");
    if (cost == null || !cost.isNumber()) {
      throw new SQLException("EXPLAIN's plan has no Total Cost");
    }
    return cost.asDouble();
  }

  /** Whether a node of the plan, at any depth, names a hypothetical index. */
  static boolean usesHypothetical(JsonNode plan) {
    JsonNode index = plan.get("Index Name");
    if (index != null && HYPOTHETICAL_NAME.matcher(index.asText()).find()) {
      return true;
    }
    for (JsonNode child : plan.path("Plans")) {
      if (usesHypothetical(child)) {
        return true;
      }
    }
    return false;
  }

  /** A standard SQL string literal; the texts here never hold a backslash (the DDL pattern refuses one). */
  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}

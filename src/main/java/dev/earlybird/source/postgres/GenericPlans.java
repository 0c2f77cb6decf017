package dev.earlybird.source.postgres;

import dev.earlybird.model.PlanCapture;
import dev.earlybird.model.PlanCapture.Planned;
import dev.earlybird.model.PlanCapture.SkipReason;
import dev.earlybird.model.PlanCapture.Skipped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.BaseStatement;
import org.postgresql.core.QueryExecutor;
import org.postgresql.util.PSQLException;

/**
 * Captures the generic plan of a statement text from pg_stat_statements ({@code $1..$n} where the constants were)
 * in the statement's own database, without running it and without any parameter value:
 *
 * <ul>
 *   <li>PostgreSQL 16+: {@code EXPLAIN (GENERIC_PLAN, VERBOSE, FORMAT JSON) text};
 *   <li>13-15: {@code PREPARE eb_plan AS text}, its parameter types from {@code pg_prepared_statements}, {@code SET
 *       LOCAL plan_cache_mode = force_generic_plan}, {@code EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE
 *       eb_plan(NULL::type, …)} (the NULLs only fill the call: a forced generic plan is built without looking at
 *       them), {@code DEALLOCATE}.
 * </ul>
 *
 * Both run inside {@link ReadOnlyTransaction}'s limits, with a search path of the statement's likely schemas
 * (default {@code "$user", public}) between {@code pg_catalog} first and {@code pg_temp} last. Texts that cannot
 * be planned give a {@link Skipped} with the reason; an exception means the connection itself failed. Neither the
 * text nor anything from it is logged here.
 */
public final class GenericPlans {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_MAX_PARAMETERS = 100;
  public static final List<String> DEFAULT_SCHEMAS = List.of("$user", "public");
  /** The first major with {@code EXPLAIN (GENERIC_PLAN)}. */
  static final int GENERIC_PLAN_MAJOR = 16;
  /**
   * The one name this class prepares under, deallocated before {@link #capture} returns. One name, not a counter:
   * pg_stat_statements keys utility statements by their text, so a new name per capture would add new entries for
   * every PREPARE, EXPLAIN EXECUTE and DEALLOCATE and, over a fleet, push the user's statements out of it.
   */
  static final String PREPARED_NAME = "eb_plan";

  /**
   * Starts what we send, so that a DBA reading pg_stat_statements (where EXPLAIN and PREPARE are counted as
   * utility statements) or pg_stat_activity sees whose they are.
   */
  static final String MARK = "/* earlybird */ ";

  /** The name of EXPLAIN's result column. */
  private static final String EXPLAIN_COLUMN = "QUERY PLAN";


  private final Duration statementTimeout;
  private final int maxParameters;
  private final String searchPath;

  /**
   * @param schemas where unqualified names in the texts are looked up, in order ({@code $user} for the role's own)
   */
  public GenericPlans(Duration statementTimeout, int maxParameters, List<String> schemas) {
    if (statementTimeout.isNegative() || statementTimeout.isZero()) {
      throw new IllegalArgumentException("statement timeout must be positive: " + statementTimeout);
    }
    if (maxParameters < 0) {
      throw new IllegalArgumentException("maxParameters must be >= 0: " + maxParameters);
    }
    this.statementTimeout = statementTimeout;
    this.maxParameters = maxParameters;
    this.searchPath = searchPath(schemas);
  }

  public GenericPlans() {
    this(DEFAULT_TIMEOUT, DEFAULT_MAX_PARAMETERS, DEFAULT_SCHEMAS);
  }

  /**
   * SQL a caller runs inside the capture's own transaction: {@code beforeExplain} right before the EXPLAIN (after
   * the PREPARE on 13-15), {@code beforeCommit} after it, before COMMIT. Each is one or more statements separated by
   * {@code ;}, or empty; their results are ignored. For session state that must exist only while the plan is made,
   * such as a HypoPG hypothetical index: created before, reset before COMMIT.
   */
  public record Around(String beforeExplain, String beforeCommit) {
    public static final Around NOTHING = new Around("", "");

    public Around {
      Objects.requireNonNull(beforeExplain, "beforeExplain");
      Objects.requireNonNull(beforeCommit, "beforeCommit");
    }

    String before() {
      return beforeExplain.isBlank() ? "" : beforeExplain + ";\n";
    }

    String after() {
      return beforeCommit.isBlank() ? "" : beforeCommit + ";\n";
    }
  }

  Duration statementTimeout() {
    return statementTimeout;
  }

  /** {@code pg_catalog, "schema", …, pg_temp}: catalog names cannot be shadowed, temporary objects never win. */
  static String searchPath(List<String> schemas) {
    return schemas.stream()
        .map(s -> quoted(Objects.requireNonNull(s, "schema")))
        .collect(Collectors.joining(", ", "pg_catalog, ", ", pg_temp"));
  }

  /** {@code name} as a quoted SQL identifier. */
  static String quoted(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /**
   * The generic plan of {@code text}, or why there is none.
   *
   * @param c an autocommit connection to the statement's database, not in a transaction; left as found
   * @param serverMajor the server's major version, which decides how the plan is asked for
   * @param truncated whether the text was cut (pg_stat_statements keeps at most track_activity_query_size bytes)
   * @throws SQLException only when the connection failed; the caller decides about the target
   */
  public PlanCapture capture(Connection c, int serverMajor, String text, boolean truncated) throws SQLException {
    return capture(c, serverMajor, text, truncated, Around.NOTHING);
  }

  /**
   * As {@link #capture(Connection, int, String, boolean)}, with {@code around} run inside the same transaction. If
   * the capture fails, {@code around.beforeCommit} may not have run: session state it was to undo is the caller's to
   * check.
   */
  public PlanCapture capture(Connection c, int serverMajor, String text, boolean truncated, Around around)
      throws SQLException {
    if (!c.getAutoCommit()) {
      // Our BEGIN would be ignored and our COMMIT would commit the caller's transaction.
      throw new IllegalArgumentException("plan capture needs an autocommit connection");
    }
    boolean standardStrings = c.unwrap(BaseConnection.class).getStandardConformingStrings();
    Optional<Skipped> refused = PlanText.refusal(text, truncated, maxParameters, standardStrings);
    if (refused.isPresent()) {
      return refused.get();
    }
    try (Statement s = c.createStatement()) {
      // JDBC escapes ({fn …}, {d …}) are not SQL: the text goes to the server exactly as pg_stat_statements has it.
      s.setEscapeProcessing(false);
      ReadOnlyTransaction.limitWait(s, statementTimeout);
      return serverMajor >= GENERIC_PLAN_MAJOR
          ? explainGeneric(c, s, text, around)
          : explainPrepared(c, s, text, around);
    }
  }

  private PlanCapture explainGeneric(Connection c, Statement s, String text, Around around) throws SQLException {
    String sql = ReadOnlyTransaction.begin(statementTimeout, searchPath) + around.before()
        + MARK + "EXPLAIN (GENERIC_PLAN, VERBOSE, FORMAT JSON) " + text + "\n;" + around.after() + "COMMIT";
    try {
      // The simple query protocol: under the extended one (the driver's default) the server counts the $n of
      // EXPLAIN (GENERIC_PLAN) as parameters of the protocol statement and refuses to bind none ("bind message
      // supplies 0 parameters"). The driver still sends each of our statements as a message of its own.
      boolean isResultSet = s.unwrap(BaseStatement.class).executeWithFlags(sql, QueryExecutor.QUERY_EXECUTE_AS_SIMPLE);
      return new Planned(firstValue(s, isResultSet), PlanText.highestParameter(text));
    } catch (SQLException e) {
      ReadOnlyTransaction.endFailed(c, e);
      return skippedOrThrow(e);
    }
  }

  private PlanCapture explainPrepared(Connection c, Statement s, String text, Around around) throws SQLException {
    String name = PREPARED_NAME;
    String prepare = ReadOnlyTransaction.begin(statementTimeout, searchPath)
        + MARK + "PREPARE " + name + " AS " + text + "\n;SELECT parameter_types::pg_catalog.text[]"
        + " FROM pg_catalog.pg_prepared_statements WHERE name = '" + name + "'";
    try {
      List<String> types = parameterTypes(s, s.execute(prepare));
      String explain = "SET LOCAL plan_cache_mode = force_generic_plan;" + around.before()
          + MARK + "EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE " + name + nullArguments(types) + ";"
          + "DEALLOCATE " + name + ";" + around.after() + "COMMIT";
      return new Planned(firstValue(s, s.execute(explain)), types.size());
    } catch (SQLException e) {
      ReadOnlyTransaction.endFailed(c, e);
      deallocate(c, name, e);
      return skippedOrThrow(e);
    }
  }

  private static List<String> parameterTypes(Statement s, boolean isResultSet) throws SQLException {
    try (ResultSet rs = ReadOnlyTransaction.resultSet(s, isResultSet)) {
      if (!rs.next()) {
        throw new SQLException("the prepared statement is missing from pg_prepared_statements");
      }
      Array a = rs.getArray(1);
      List<String> types = new ArrayList<>();
      if (a != null) {
        for (Object t : (Object[]) a.getArray()) {
          types.add((String) t);
        }
      }
      return types;
    }
  }

  /** {@code (NULL::integer, NULL::text)}; the names are regtype output, quoted by the server where needed. */
  static String nullArguments(List<String> types) {
    return types.isEmpty() ? "" : types.stream().map(t -> "NULL::" + t).collect(Collectors.joining(", ", "(", ")"));
  }

  /** The EXPLAIN's one value, after the results of what {@link Around#beforeExplain} ran. */
  private static String firstValue(Statement s, boolean isResultSet) throws SQLException {
    boolean more = isResultSet;
    while (true) {
      try (ResultSet rs = ReadOnlyTransaction.resultSet(s, more)) {
        if (rs.getMetaData().getColumnLabel(1).equals(EXPLAIN_COLUMN)) {
          if (!rs.next()) {
            throw new SQLException("EXPLAIN returned no rows");
          }
          return rs.getString(1);
        }
      }
      more = s.getMoreResults();
    }
  }

  /**
   * Prepared statements outlive a rolled-back transaction, so a failure after PREPARE would leave one behind in a
   * session the caller may reuse; DEALLOCATE of a name that was never prepared fails harmlessly.
   */
  private static void deallocate(Connection c, String name, SQLException failure) {
    try {
      if (c.isClosed()) {
        return;
      }
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_catalog.count(*) FROM pg_catalog.pg_prepared_statements WHERE name = '" + name + "'");
        try (ResultSet rs = s.getResultSet()) {
          if (rs.next() && rs.getLong(1) > 0) {
            s.execute("DEALLOCATE " + name);
          }
        }
      }
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /** The reason the server gave as a {@link Skipped}; a connection failure is the caller's, and thrown. */
  static PlanCapture skippedOrThrow(SQLException e) throws SQLException {
    String state = Objects.requireNonNullElse(e.getSQLState(), "");
    if (state.startsWith("08") || state.startsWith("57P") || !(e instanceof PSQLException p)
        || p.getServerErrorMessage() == null) {
      throw e;
    }
    String detail = "SQLSTATE " + state + ": " + p.getServerErrorMessage().getMessage();
    return new Skipped(reason(state), detail);
  }

  static SkipReason reason(String sqlState) {
    return switch (sqlState) {
      case "42P18", "42P08", "42725" -> SkipReason.AMBIGUOUS_TYPE;
      case "42P01" -> SkipReason.RELATION_MISSING;
      case "42703", "42883", "42704", "3F000", "42P02" -> SkipReason.OBJECT_MISSING;
      case "42601" -> SkipReason.SYNTAX_ERROR;
      case "42501" -> SkipReason.PERMISSION_DENIED;
      case "57014", "55P03" -> SkipReason.TIMEOUT;
      default -> SkipReason.PLAN_ERROR;
    };
  }
}

package dev.earlybird.source.postgres;

import static dev.earlybird.source.postgres.PgTestSupport.superuserEndpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.analysis.PlanNode;
import dev.earlybird.analysis.PlanShape;
import dev.earlybird.model.PlanCapture;
import dev.earlybird.model.PlanCapture.Planned;
import dev.earlybird.model.PlanCapture.SkipReason;
import dev.earlybird.model.PlanCapture.Skipped;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Generic plans of pg_stat_statements texts on every supported major: captured, skipped with a reason, no trace. */
class GenericPlansIT {
  private static final String VERSIONS = "dev.earlybird.testing.PostgresVersions#all";
  private static final String DATABASE = "generic_plans";
  private static final String LOOKUP = "SELECT * FROM accounts WHERE k = $1";

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void plansWithoutRunningAnythingAndSkipsWhatCannotBePlanned(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    server.createDatabase(DATABASE);
    server.execute(
        DATABASE,
        "DROP SCHEMA IF EXISTS app CASCADE",
        "DROP TABLE IF EXISTS accounts",
        "DROP DOMAIN IF EXISTS required_int",
        "DROP TABLE IF EXISTS moods",
        "DROP TYPE IF EXISTS \"Mood\"",
        "CREATE TYPE \"Mood\" AS ENUM ('calm', 'tense')",
        "CREATE TABLE moods (m \"Mood\")",
        "CREATE TABLE accounts (k int NOT NULL, note text)",
        "INSERT INTO accounts SELECT g, 'n' || g FROM generate_series(1, 20000) g",
        "CREATE INDEX accounts_k ON accounts (k)",
        "ANALYZE accounts",
        "CREATE SCHEMA app",
        "CREATE TABLE app.users (id int PRIMARY KEY)",
        "CREATE DOMAIN required_int AS int NOT NULL");
    var plans = new GenericPlans();
    try (Connection c = PgConnector.open(superuserEndpoint(server, DATABASE))) {
      String searchPathBefore = value(c, "SHOW search_path");

      PlanShape indexed = shape(plans.capture(c, major, LOOKUP, false));
      PlanNode scan = indexed.nodes().get(0);
      assertThat(scan.nodeType()).isEqualTo("Index Scan");
      assertThat(scan.qualifiedRelation()).isEqualTo("public.accounts");
      assertThat(scan.index()).isEqualTo("accounts_k");
      assertThat(scan.indexCond()).isEqualTo("(accounts.k = $1)");
      assertThat(indexed.sequentialScans()).isEmpty();
      // The plan is of the statement pg_stat_statements counts: same query identifier (14+; 13 prints none).
      try (Connection app = server.superuser(DATABASE);
          var ps = app.prepareStatement("SELECT * FROM accounts WHERE k = ?")) {
        ps.setInt(1, 42);
        ps.executeQuery().close();
      }
      List<Long> counted = PgTestSupport.queryIds(server, DATABASE, LOOKUP);
      if (major >= 14) {
        assertThat(counted).containsExactly(indexed.queryId().getAsLong());
      } else {
        assertThat(indexed.queryId()).isEmpty();
      }

      // The caller's SQL runs in the same transaction, before the EXPLAIN and before COMMIT (how HypoPG's
      // hypothetical indexes exist only while a plan is made); a result of its own does not pass for the plan.
      var around = new GenericPlans.Around(
          "SELECT 42; SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off", "SELECT 'after'");
      assertThat(shape(plans.capture(c, major, LOOKUP, false, around)).sequentialScans()).hasSize(1);
      assertThat(shape(plans.capture(c, major, LOOKUP, false)).nodes().get(0).nodeType()).isEqualTo("Index Scan");

      // An INSERT is planned (read-only transactions allow EXPLAIN of a write) and nothing is inserted.
      PlanCapture insert = plans.capture(c, major, "INSERT INTO accounts (k, note) VALUES ($1, $2)", false);
      assertThat(insert).isInstanceOfSatisfying(Planned.class, p -> assertThat(p.parameters()).isEqualTo(2));
      PlanNode modify = PlanShape.parse(json(insert)).nodes().get(0);
      assertThat(modify.nodeType()).isEqualTo("ModifyTable");
      assertThat(modify.operation()).isEqualTo("Insert");
      assertThat(value(c, "SELECT count(*) FROM accounts")).isEqualTo("20000");
      for (String write : List.of(
          "UPDATE accounts SET note = $2 WHERE k = $1",
          "DELETE FROM accounts WHERE k = $1",
          "SELECT * FROM accounts WHERE k = $1 FOR UPDATE")) {
        assertThat(plans.capture(c, major, write, false)).isInstanceOf(Planned.class);
      }
      // A parameter of a type whose name needs quoting (13-15 spell it in EXECUTE's NULL casts).
      assertThat(shape(plans.capture(c, major, "SELECT * FROM moods WHERE m = $1", false)).sequentialScans())
          .singleElement()
          .extracting(PlanNode::filter)
          .isEqualTo("(moods.m = $1)");

      assertThat(plans.capture(c, major, "VACUUM accounts", false))
          .isEqualTo(new Skipped(SkipReason.UTILITY, "VACUUM is not a plannable statement"));
      assertThat(plans.capture(c, major, "/* app */ SET work_mem = $1", false))
          .isEqualTo(new Skipped(SkipReason.UTILITY, "SET is not a plannable statement"));
      assertThat(plans.capture(c, major, LOOKUP, true))
          .isEqualTo(new Skipped(SkipReason.TRUNCATED, "the text was cut at track_activity_query_size"));
      assertThat(plans.capture(c, major, "SELECT 1; COMMIT; DROP TABLE accounts", false))
          .isEqualTo(new Skipped(SkipReason.MULTIPLE_STATEMENTS, "the text holds more than one statement"));
      String longIn = IntStream.rangeClosed(1, 101).mapToObj(i -> "$" + i).collect(Collectors.joining(", "));
      assertThat(plans.capture(c, major, "SELECT * FROM accounts WHERE k IN (" + longIn + ")", false))
          .isEqualTo(new Skipped(SkipReason.TOO_MANY_PARAMETERS, "101 parameters, more than the limit of 100"));

      // Unknown parameter types: SELECT $1 is planned as text everywhere; where nothing tells the type, 13-15
      // refuse to PREPARE, while 16+ plan it as unknown. A NOT NULL domain parameter cannot be given the NULL that
      // EXECUTE needs on 13-15 (the PREPAREd statement is cleaned up); 16+ never bind a value.
      assertThat(shape(plans.capture(c, major, "SELECT $1", false)).nodes().get(0).nodeType()).isEqualTo("Result");
      PlanCapture untyped = plans.capture(c, major, "SELECT $1 IS NULL", false);
      PlanCapture domain = plans.capture(c, major, "SELECT * FROM accounts WHERE k = $1::required_int", false);
      if (major >= 16) {
        assertThat(shape(untyped).nodes().get(0).nodeType()).isEqualTo("Result");
        assertThat(shape(domain).nodes().get(0).nodeType()).isEqualTo("Index Scan");
      } else {
        assertThat(untyped).isEqualTo(new Skipped(
            SkipReason.AMBIGUOUS_TYPE, "SQLSTATE 42P18: could not determine data type of parameter $1"));
        assertThat(domain).isEqualTo(new Skipped(
            SkipReason.PLAN_ERROR, "SQLSTATE 23502: domain required_int does not allow null values"));
      }
      assertThat(value(c, "SELECT count(*) FROM pg_prepared_statements")).isEqualTo("0");
      if (major < 16) {
        // Several captures above, one name: pg_stat_statements keeps one DEALLOCATE entry, not one per capture.
        try (Connection pgss = server.superuser("postgres")) {
          assertThat(Integer.parseInt(value(pgss, "SELECT count(DISTINCT s.query) FROM pg_stat_statements s"
              + " JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '" + DATABASE + "'"
              + " AND s.query LIKE 'DEALLOCATE%'"))).isLessThanOrEqualTo(1);
        }
      }

      // A relation locked by a migration: planning gives up after lock_timeout instead of queueing behind it.
      try (Connection migration = server.superuser(DATABASE)) {
        migration.setAutoCommit(false);
        migration.createStatement().execute("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
        assertThat(plans.capture(c, major, LOOKUP, false)).isEqualTo(new Skipped(
            SkipReason.TIMEOUT, "SQLSTATE 55P03: canceling statement due to lock timeout"));
        migration.rollback();
      }

      assertThat(plans.capture(c, major, "SELECT * FROM nowhere WHERE k = $1", false))
          .isEqualTo(new Skipped(SkipReason.RELATION_MISSING, "SQLSTATE 42P01: relation \"nowhere\" does not exist"));
      // Another schema than the pinned search path: missing, unless the schema is named.
      assertThat(plans.capture(c, major, "SELECT * FROM users WHERE id = $1", false))
          .isEqualTo(new Skipped(SkipReason.RELATION_MISSING, "SQLSTATE 42P01: relation \"users\" does not exist"));
      PlanCapture inApp = new GenericPlans(GenericPlans.DEFAULT_TIMEOUT, 100, List.of("app"))
          .capture(c, major, "SELECT * FROM users WHERE id = $1", false);
      assertThat(shape(inApp).nodes().get(0).qualifiedRelation()).isEqualTo("app.users");

      // The same text after the index is gone: a sequential scan filtering on k, a different shape.
      server.execute(DATABASE, "DROP INDEX accounts_k");
      PlanShape flipped = shape(plans.capture(c, major, LOOKUP, false));
      assertThat(flipped.sequentialScans())
          .singleElement()
          .satisfies(s -> {
            assertThat(s.qualifiedRelation()).isEqualTo("public.accounts");
            assertThat(s.filter()).isEqualTo("(accounts.k = $1)");
          });
      assertThat(flipped.hash()).isNotEqualTo(indexed.hash());

      // The session is as it was: nothing prepared, no transaction open, search_path unchanged.
      assertThat(value(c, "SELECT count(*) FROM pg_prepared_statements")).isEqualTo("0");
      assertThat(value(c, "SHOW search_path")).isEqualTo(searchPathBefore);
      assertThat(c.getAutoCommit()).isTrue();
      assertThat(c.unwrap(BaseConnection.class).getTransactionState()).isEqualTo(TransactionState.IDLE);

      // Inside the caller's transaction our COMMIT would be the caller's: refused before anything is sent.
      c.setAutoCommit(false);
      assertThatThrownBy(() -> plans.capture(c, major, LOOKUP, false))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("plan capture needs an autocommit connection");
      c.setAutoCommit(true);
    }
  }

  private static PlanShape shape(PlanCapture capture) {
    return PlanShape.parse(json(capture));
  }

  private static String json(PlanCapture capture) {
    assertThat(capture).isInstanceOf(Planned.class);
    return ((Planned) capture).json();
  }

  private static String value(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}

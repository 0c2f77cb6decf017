package dev.earlybird.source.postgres;

import static dev.earlybird.source.postgres.CheckResult.fail;
import static dev.earlybird.source.postgres.CheckResult.pass;
import static dev.earlybird.source.postgres.CheckResult.warn;

import dev.earlybird.source.SourceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The advisor's lines of {@code earlybird check} for one target: whether it can connect to each database it would
 * plan statements in, and in how many HypoPG is created. HypoPG missing is never a failure (index advice is then
 * unconfirmed), and neither is a database the advisor cannot reach, unless it reaches none.
 */
public final class AdvisorCheck {
  /** How many failed databases a line names; the rest are counted. */
  static final int NAMED_FAILURES = 3;

  private static final String HYPOPG_SQL =
      "/* earlybird */ SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'hypopg')";

  private AdvisorCheck() {}

  /**
   * @param advisor the target's advisor endpoint (its advisor URL, or else its URL); the database list is read in
   *     the database it names
   * @param databases which databases the agent polls (the target's database filter)
   */
  public static List<CheckResult> run(PgEndpoint advisor, Predicate<String> databases) {
    List<String> names = new ArrayList<>();
    try (Connection c = PgConnector.open(advisor)) {
      ReadOnlyTransaction.query(c, advisor.statementTimeout(), StatementQueries.DATABASES, rs -> {
        while (rs.next()) {
          if (databases.test(rs.getString(2))) {
            names.add(rs.getString(2));
          }
        }
        return names;
      });
    } catch (SourceException | SQLException e) {
      SourceException se = SourceException.of("target " + advisor.targetName() + ": advisor", e);
      return List.of(fail("advisor connects", se.getMessage(), TargetCheck.connectFix(se, advisor)));
    }
    int hypopg = 0;
    var failures = new ArrayList<String>();
    String fix = "";
    try (var connections = new AdvisorConnections(
        advisor, 1, Duration.ZERO, AdvisorConnections.DEFAULT_BORROW_TIMEOUT, InstantSource.system())) {
      for (String name : names) {
        try {
          if (connections.withDatabase(name, c -> ReadOnlyTransaction.query(
              c, advisor.statementTimeout(), HYPOPG_SQL, rs -> rs.next() && rs.getBoolean(1)))) {
            hypopg++;
          }
        } catch (SourceException e) {
          failures.add(name + " (" + e.reason().label() + ")");
          fix = fix.isEmpty() ? failureFix(e, advisor, name) : fix;
        }
      }
    }
    int ok = names.size() - failures.size();
    var results = new ArrayList<CheckResult>();
    String named = String.join(", ", failures.subList(0, Math.min(NAMED_FAILURES, failures.size())))
        + (failures.size() > NAMED_FAILURES ? " and " + (failures.size() - NAMED_FAILURES) + " more" : "");
    if (failures.isEmpty()) {
      results.add(pass("advisor connects", "to all " + names.size() + " databases"));
    } else if (ok == 0) {
      results.add(fail("advisor connects", "to none of " + names.size() + " databases: " + named, fix));
    } else {
      results.add(warn("advisor connects", "to " + ok + " of " + names.size() + " databases; not to " + named
          + ": no plans or index advice there", fix));
    }
    if (ok > 0) {
      results.add(pass("HypoPG", "HypoPG created in " + hypopg + " of " + ok + " databases; CREATE EXTENSION hypopg"
          + " where you want index advice confirmed (Earlybird never creates it)"));
    }
    return List.copyOf(results);
  }

  private static String failureFix(SourceException e, PgEndpoint advisor, String database) {
    String user = advisor.user() == null ? "the agent's role" : TargetCheck.quoteIdent(advisor.user());
    return switch (e.reason()) {
      case PERMISSION -> "As the database's owner or a superuser run: GRANT CONNECT ON DATABASE "
          + TargetCheck.quoteIdent(database) + " TO " + user + "; (likewise for the others named)";
      case AUTH -> "Allow " + user + " into those databases in pg_hba.conf (a line for this host whose database "
          + "column covers them, e.g. all), then reload the server.";
      case CONNECT, DNS, TIMEOUT, TLS, TOO_MANY_CONNECTIONS, DATABASE_MISSING, MISSING_EXTENSION, THROTTLED,
          NOT_ENABLED, BAD_VALUE, OTHER -> TargetCheck.connectFix(e, advisor);
    };
  }
}

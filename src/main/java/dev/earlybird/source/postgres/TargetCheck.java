package dev.earlybird.source.postgres;

import static dev.earlybird.source.postgres.CheckResult.fail;
import static dev.earlybird.source.postgres.CheckResult.pass;
import static dev.earlybird.source.postgres.CheckResult.warn;

import dev.earlybird.model.KcacheInfo;
import dev.earlybird.model.ServerInfo;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.postgresql.PGConnection;

/**
 * What {@code earlybird check} says about one PostgreSQL target: can we connect, is the server new enough, is
 * pg_stat_statements loaded, created and readable by our role, and are the settings that decide the quality of
 * the data sane. Every WARN and FAIL carries a concrete fix. Earlybird never fixes anything itself (it is
 * read-only and never runs {@code CREATE EXTENSION}).
 */
public final class TargetCheck {
  /** Below this, busy fleets evict entries between polls and lose their history. */
  static final int RECOMMENDED_PGSS_MAX = 5000;

  private static final String ROLE_SQL =
      """
      /* earlybird */ SELECT current_user,
             (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
             pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')""";
  /**
   * The settings in effect inside a read's transaction, and the backend pid PostgreSQL reports. Numbers from
   * pg_settings, in milliseconds, whatever unit {@code SHOW} would print.
   */
  private static final String LIMITS_SQL =
      """
      /* earlybird */ SELECT (SELECT setting FROM pg_settings WHERE name = 'statement_timeout')::int8,
             (SELECT setting FROM pg_settings WHERE name = 'lock_timeout')::int8,
             (SELECT setting FROM pg_settings WHERE name = 'idle_in_transaction_session_timeout')::int8,
             current_setting('transaction_read_only'),
             current_setting('search_path'),
             pg_backend_pid()""";

  private TargetCheck() {}

  /**
   * {@link #run(PgEndpoint)}, then the advisor's lines ({@link AdvisorCheck}) when the target is reachable: whether
   * {@code advisor} (the target's advisor URL, or its URL) connects to each database {@code databases} accepts, and
   * where HypoPG is created.
   */
  public static List<CheckResult> run(PgEndpoint endpoint, PgEndpoint advisor, Predicate<String> databases) {
    var results = new ArrayList<>(run(endpoint));
    if (results.stream().noneMatch(r -> r.name().equals("reachable") && r.status() == CheckResult.Status.FAIL)) {
      results.addAll(AdvisorCheck.run(advisor, databases));
    }
    return List.copyOf(results);
  }

  /** Runs every check over a fresh connection, which it closes. Never throws for a problem of the target. */
  public static List<CheckResult> run(PgEndpoint endpoint) {
    var results = new ArrayList<CheckResult>();
    if (endpoint.password() instanceof PgPassword.IamToken iam) {
      // Said apart from "reachable": without AWS credentials no login can work, whatever the network does.
      try {
        PgConnector.iamToken(endpoint, iam);
        String made = "made for " + endpoint.user() + " (valid 15 minutes, a new one per connection)";
        String sslmode = PgConnector.urlSslmode(endpoint).orElse("require");
        results.add(List.of("disable", "allow", "prefer").contains(sslmode)
            ? warn("IAM auth token", made + ", but sslmode=" + sslmode + " in the URL lets it travel without TLS",
                "Remove sslmode from the URL (Earlybird then requires TLS) or use sslmode=verify-full with the RDS "
                    + "CA bundle; RDS refuses IAM logins without SSL anyway.")
            : pass("IAM auth token", made + ", sent over TLS (sslmode=" + sslmode + ")"));
      } catch (SourceException e) {
        results.add(fail("IAM auth token", e.getMessage(), e.reason() == ErrorReason.AUTH
            ? "Give the agent AWS credentials (environment, ~/.aws profile, web identity, ECS task or EC2 instance "
                + "role); with aws.roleArn, allow it sts:AssumeRole on that role."
            : "Fix the target's url and user: the token is signed for one host, port and database user."));
        return List.copyOf(results);
      }
    }
    try (Connection c = PgConnector.open(endpoint)) {
      results.add(pass("reachable", endpoint.safeUrl() + " as " + endpoint.user()));
      try {
        check(c, endpoint.statementTimeout(), results);
      } catch (SQLException e) {
        PgConnector.cancelIfAbandoned(c);
        throw e;
      }
    } catch (SourceException e) {
      results.add(fail("reachable", e.getMessage(), connectFix(e, endpoint)));
    } catch (SQLException e) {
      SourceException se = SourceException.of("target " + endpoint.targetName(), e);
      results.add(fail("queries", se.getMessage(), connectFix(se, endpoint)));
    }
    return List.copyOf(results);
  }

  private static void check(Connection c, Duration timeout, List<CheckResult> results) throws SQLException {
    checkLimits(c, timeout, results);
    ServerFacts facts = ServerFacts.read(c, timeout);
    ServerInfo info = facts.info();
    if (info.major() >= 13) {
      results.add(pass("server version", "PostgreSQL " + info.version()));
    } else {
      results.add(
          fail(
              "server version",
              "PostgreSQL " + info.version() + " is older than 13",
              "Upgrade the server to PostgreSQL 13 or newer; Earlybird reads pg_stat_statements 1.8+."));
      return;
    }

    boolean loaded = info.pgssMax() > 0;
    results.add(
        loaded
            ? pass("pg_stat_statements loaded", "in shared_preload_libraries")
            : fail(
                "pg_stat_statements loaded",
                "pg_stat_statements is not in shared_preload_libraries",
                "Add pg_stat_statements to shared_preload_libraries (postgresql.conf, or the DB parameter group on"
                    + " RDS/Aurora) and restart the server."));

    boolean created = info.pgssVersion() != null;
    if (!created) {
      results.add(
          fail(
              "pg_stat_statements created",
              "extension pg_stat_statements is not created in database " + currentDatabase(c, timeout),
              "As a superuser (or rds_superuser), in the database the target URL names, run: CREATE EXTENSION"
                  + " pg_stat_statements;  (Earlybird never creates it itself.)"));
    } else if (!PgssVersion.parse(info.pgssVersion()).supported()) {
      results.add(
          fail(
              "pg_stat_statements created",
              "extension version " + info.pgssVersion() + " is older than 1.8",
              "Run: ALTER EXTENSION pg_stat_statements UPDATE;"));
    } else {
      results.add(pass("pg_stat_statements created", "version " + info.pgssVersion()));
    }

    checkRole(c, timeout, results, loaded && created ? facts.pgssSchema() : null);
    if (loaded) {
      checkSettings(info, results);
    }
    checkKcache(c, timeout, info, results);
  }

  /**
   * What a read's transaction really runs with, read inside one: the limits the agent sets, read-only, the safe
   * search_path; and whether a connection pooler is in front. That is told by the backend pid: the driver gets
   * one at login (BackendKeyData, used for cancel requests), and a pooler such as PgBouncer hands out one of its
   * own, so it differs from the {@code pg_backend_pid()} of the server connection that ran the query.
   */
  private static void checkLimits(Connection c, Duration timeout, List<CheckResult> results) throws SQLException {
    record Limits(long statementMs, long lockMs, long idleMs, boolean readOnly, String searchPath, int pid) {}
    Limits in = ReadOnlyTransaction.query(c, timeout, LIMITS_SQL, rs -> {
      rs.next();
      return new Limits(rs.getLong(1), rs.getLong(2), rs.getLong(3), "on".equals(rs.getString(4)), rs.getString(5),
          rs.getInt(6));
    });
    String found = "statement_timeout " + in.statementMs() + " ms, lock_timeout " + in.lockMs()
        + " ms, idle_in_transaction_session_timeout " + in.idleMs() + " ms, "
        + (in.readOnly() ? "read-only" : "READ WRITE") + ", search_path " + in.searchPath();
    boolean asSet = in.statementMs() == timeout.toMillis()
        && in.lockMs() == PgConnector.LOCK_TIMEOUT.toMillis()
        && in.idleMs() == PgConnector.IDLE_IN_TRANSACTION_TIMEOUT.toMillis()
        && in.readOnly()
        && in.searchPath().equals(ReadOnlyTransaction.SEARCH_PATH);
    results.add(asSet
        ? pass("session limits", "in effect in every read's transaction: " + found)
        : fail("session limits", "set in the read's transaction, but in effect: " + found,
            "Something between the agent and PostgreSQL changes session settings (a proxy rewriting SET?): connect"
                + " the target directly or through PgBouncer."));
    int loginPid = c.unwrap(PGConnection.class).getBackendPID();
    results.add(pass("connection pooler", loginPid == in.pid()
        ? "none: connected to PostgreSQL directly (backend pid " + in.pid() + ")"
        : "in front (the connection's backend pid " + loginPid + " is not the server's " + in.pid()
            + "): works, as every read sets its limits in its own transaction; the agent holds one connection per"
            + " target"));
  }

  /**
   * pg_stat_kcache is optional: without it CPU is estimated, so its absence is never a FAIL. Installed but not
   * enabled, or enabled halfway, is a WARN that says what is missing.
   */
  private static void checkKcache(Connection c, Duration timeout, ServerInfo info, List<CheckResult> results)
      throws SQLException {
    KcacheInfo k = info.kcache();
    String name = "pg_stat_kcache";
    String estimate = info.trackIoTiming() ? "execution time minus IO time" : "execution time";
    String preload =
        "Add pg_stat_kcache to shared_preload_libraries after pg_stat_statements (shared_preload_libraries ="
            + " 'pg_stat_statements,pg_stat_kcache') and restart the server";
    String create =
        "in database " + currentDatabase(c, timeout) + ", as a superuser, run: CREATE EXTENSION pg_stat_kcache;";
    if (StatementQueries.kcacheReadable(k)) {
      try {
        ReadOnlyTransaction.query(c, timeout, StatementQueries.kcacheProbe(k.schema()), rs -> null);
      } catch (SQLException e) {
        results.add(
            warn(
                name,
                "version " + k.version() + ", but reading pg_stat_kcache() failed: " + e.getMessage()
                    + " (CPU falls back to " + estimate + ")",
                "As a superuser run: GRANT EXECUTE ON FUNCTION " + StatementQueries.kcacheFunction(k.schema())
                    + " TO PUBLIC;"));
        return;
      }
      results.add(pass(name, "version " + k.version() + ": CPU per statement is measured (cpuSource pg_stat_kcache)"));
    } else if (k.created() && !StatementQueries.kcacheSupported(k.version())) {
      results.add(
          warn(
              name,
              "version " + k.version() + " is older than " + StatementQueries.KCACHE_OLDEST_SUPPORTED
                  + ", the oldest Earlybird reads: CPU falls back to " + estimate,
              "Install pg_stat_kcache 2.2 or newer on the server, then run: ALTER EXTENSION pg_stat_kcache UPDATE;"));
    } else if (k.created()) {
      results.add(
          warn(
              name,
              "created but not in shared_preload_libraries, so it measures nothing: CPU falls back to " + estimate,
              preload + "."));
    } else if (k.loaded()) {
      results.add(
          warn(
              name,
              "loaded but not created: CPU falls back to " + estimate,
              "It is already in shared_preload_libraries; " + create));
    } else if (k.installed()) {
      results.add(
          warn(
              name,
              "installed on the server but not enabled: CPU falls back to " + estimate,
              preload + "; then, " + create));
    } else {
      results.add(pass(name, "not installed (optional): CPU is estimated as " + estimate));
    }
  }

  /** {@code pgssSchema}: where pg_stat_statements lives, to probe it; null when it cannot be read anyway. */
  private static void checkRole(Connection c, Duration timeout, List<CheckResult> results, String pgssSchema)
      throws SQLException {
    record Role(String name, boolean canReadAll) {}
    Role r = ReadOnlyTransaction.query(c, timeout, ROLE_SQL, rs -> {
      rs.next();
      return new Role(rs.getString(1), rs.getBoolean(2) || rs.getBoolean(3));
    });
    String role = r.name();
    boolean canReadAll = r.canReadAll();
    String fix = "As a superuser run: GRANT pg_read_all_stats TO " + quoteIdent(role) + ";";
    if (pgssSchema != null) {
      try {
        ReadOnlyTransaction.query(c, timeout, StatementQueries.pgssProbe(pgssSchema), rs -> null);
      } catch (SQLException e) {
        ErrorReason reason = SourceException.classify(e);
        results.add(
            fail(
                "pg_stat_statements readable",
                "reading pg_stat_statements failed (" + reason.label() + "): " + e.getMessage(),
                reason == ErrorReason.PERMISSION ? fix : "Fix the error above, then run earlybird check again."));
        return;
      }
    }
    results.add(
        canReadAll
            ? pass("pg_stat_statements readable", "role " + role + " sees every user's statements")
            : fail(
                "pg_stat_statements readable",
                "role " + role + " is neither superuser nor member of pg_read_all_stats: other users' statements"
                    + " show a NULL queryid and are skipped",
                fix));
  }

  private static void checkSettings(ServerInfo info, List<CheckResult> results) {
    results.add(
        info.trackIoTiming()
            ? pass("track_io_timing", "on: CPU is estimated as execution time minus IO time")
            : warn(
                "track_io_timing",
                "off: IO wait cannot be told from CPU, so CPU falls back to the whole execution time",
                "Set track_io_timing = on (ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf(); or the"
                    + " DB parameter group on RDS/Aurora). Check the overhead first with pg_test_timing."));
    results.add(
        info.pgssMax() >= RECOMMENDED_PGSS_MAX
            ? pass("pg_stat_statements.max", Integer.toString(info.pgssMax()))
            : warn(
                "pg_stat_statements.max",
                info.pgssMax()
                    + ": with more distinct statements than this, the least used are evicted between polls and"
                    + " their history is lost (watch dealloc)",
                "Set pg_stat_statements.max = 10000 (needs a restart)."));
    String track = info.pgssTrack() == null ? "" : info.pgssTrack();
    results.add(
        track.equals("none")
            ? warn(
                "pg_stat_statements.track",
                "none: no statement is recorded",
                "Set pg_stat_statements.track = top (or all to include statements inside functions) and reload.")
            : pass("pg_stat_statements.track", track));
  }

  static String connectFix(SourceException e, PgEndpoint endpoint) {
    return switch (e.reason()) {
      case DNS -> "The host name in " + endpoint.safeUrl() + " does not resolve: check the name and DNS.";
      case CONNECT -> e.getMessage().contains("unsupported startup parameter")
          ? "Remove that parameter from the target's URL, or list it in the pooler's ignore_startup_parameters."
          : "Nothing accepted the connection at " + endpoint.safeUrl()
              + ": check host, port, that the server runs and that firewalls/security groups allow this agent.";
      case TIMEOUT -> "The server did not answer in time: check network reachability and the connect timeout.";
      case AUTH -> endpoint.password() instanceof PgPassword.IamToken
          ? "IAM authentication failed for user " + endpoint.user() + ": allow the agent's AWS identity "
              + "rds-db:connect on arn:aws:rds-db:REGION:ACCOUNT:dbuser:DBI_RESOURCE_ID/" + endpoint.user()
              + ", GRANT rds_iam TO " + endpoint.user() + ", and enable IAM database authentication on the instance."
          : "Authentication failed for user " + endpoint.user()
              + ": check the password (or IAM token) and pg_hba.conf for this host.";
      case PERMISSION -> "The role may not connect: GRANT CONNECT ON DATABASE ... TO " + endpoint.user() + ";";
      case TLS -> "Use sslmode=verify-full with sslrootcert set to the CA bundle that signed the server's certificate"
          + " (for RDS: global-bundle.pem), and the host name the certificate is for.";
      case TOO_MANY_CONNECTIONS -> "The server, the database or role " + endpoint.user() + " has no connection slot"
          + " left: the agent needs one per target and check one more; raise the role's CONNECTION LIMIT (or"
          + " max_connections), or find what holds the slots in pg_stat_activity.";
      case DATABASE_MISSING -> "The database in " + endpoint.safeUrl() + " does not exist: name an existing database"
          + " (the one pg_stat_statements is created in, usually postgres).";
      case MISSING_EXTENSION, BAD_VALUE, THROTTLED, NOT_ENABLED, OTHER -> "Check the target URL and the server log.";
    };
  }

  private static String currentDatabase(Connection c, Duration timeout) throws SQLException {
    return ReadOnlyTransaction.query(c, timeout, "/* earlybird */ SELECT current_database()", rs -> {
      rs.next();
      return rs.getString(1);
    });
  }

  static String quoteIdent(String name) {
    return name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
  }
}

package dev.earlybird.source.postgres;

import dev.earlybird.model.ServerSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Reads the {@link ServerSettings} the advisor's settings rule judges, in the database {@code c} is connected to
 * (the one pg_stat_statements is created in). Deallocations come from {@code pg_stat_statements_info}, which
 * extension version 1.9 (PostgreSQL 14) added; before it, or when the extension is not created or loaded, they are
 * 0 and the reset time empty.
 */
public final class Settings {
  static final String SETTINGS = """
      /* earlybird */ SELECT pg_catalog.current_setting('server_version_num')::int,
             pg_catalog.current_setting('track_io_timing')::bool,
             pg_catalog.current_setting('pg_stat_statements.track_planning', true),
             pg_catalog.current_setting('pg_stat_statements.max', true),
             (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pg_stat_statements'),
             (SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'pg_stat_statements'),
             (SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
               WHERE e.extname = 'pg_stat_statements')""";
  private Settings() {}

  public static ServerSettings read(Connection c, Duration statementTimeout) throws SQLException {
    record Read(int versionNum, boolean ioTiming, String trackPlanning, String max, String version,
        String defaultVersion, String schema) {}
    Read r = ReadOnlyTransaction.query(c, statementTimeout, SETTINGS, rs -> {
      rs.next();
      return new Read(rs.getInt(1), rs.getBoolean(2), rs.getString(3), rs.getString(4), rs.getString(5),
          rs.getString(6), rs.getString(7));
    });
    int max = ServerFacts.parseIntOrZero(r.max());
    long dealloc = 0;
    Optional<Instant> statsReset = Optional.empty();
    if (max > 0 && r.schema() != null && r.version() != null && PgssVersion.parse(r.version()).atLeast(1, 9)) {
      record Info(long dealloc, Optional<Instant> reset) {}
      Info info = ReadOnlyTransaction.query(c, statementTimeout,
          "/* earlybird */ SELECT dealloc, stats_reset FROM " + GenericPlans.quoted(r.schema())
              + ".pg_stat_statements_info",
          rs -> rs.next()
              ? new Info(rs.getLong(1),
                  Optional.ofNullable(rs.getObject(2, OffsetDateTime.class)).map(OffsetDateTime::toInstant))
              : new Info(0, Optional.empty()));
      dealloc = info.dealloc();
      statsReset = info.reset();
    }
    Optional<Boolean> trackPlanning = Optional.ofNullable(r.trackPlanning()).map("on"::equals);
    return new ServerSettings(r.versionNum(), r.ioTiming(), max > 0 ? trackPlanning : Optional.empty(), max,
        r.version(), r.defaultVersion(), dealloc, statsReset);
  }
}

package dev.earlybird.cli;

import dev.earlybird.config.TenantsConfig;
import dev.earlybird.model.TimeWindow;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import picocli.CommandLine.Option;

/** The window and filters of {@code report}, read the way the API reads its query parameters. */
final class QueryOptions {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  @Option(names = "--date", paramLabel = "YYYY-MM-DD",
      description = "A calendar day: in the tenant's time zone with --tenant, else UTC.")
  String date;

  @Option(names = "--from", paramLabel = "ISO", description = "Window start, e.g. 2026-11-20T06:00:00Z (default: 24 h before --to).")
  String from;

  @Option(names = "--to", paramLabel = "ISO", description = "Window end, e.g. 2026-11-21T06:00:00Z (default: now).")
  String to;

  @Option(names = "--tenant", paramLabel = "T", description = "Only this tenant's databases.")
  String tenant;

  @Option(names = "--target", paramLabel = "N", description = "Only this target.")
  String target;

  @Option(names = "--database", paramLabel = "DB", description = "Only this database.")
  String database;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "" + DEFAULT_LIMIT,
      description = "At most this many statements, 1 to " + MAX_LIMIT + " (default ${DEFAULT-VALUE}).")
  int limit;

  /** The window and filters; errors name the option and show an example. */
  ReportQuery resolve(TenantsConfig tenants, Instant now) throws ReportFailure {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ReportFailure(ReportFailure.USAGE,
          "--limit must be a whole number from 1 to " + MAX_LIMIT + ", got " + limit + " (e.g. --limit 25)");
    }
    String tenantName = blankToNull(tenant);
    ZoneId zone = tenantName == null ? ZoneOffset.UTC : tenants.settingsFor(tenantName).timezone();
    try {
      TimeWindow w = TimeWindow.parse(blankToNull(from), blankToNull(to), blankToNull(date), now, zone, p -> "--" + p);
      return new ReportQuery(w.from(), w.to(), blankToNull(target), blankToNull(database), tenantName, limit);
    } catch (IllegalArgumentException e) {
      throw new ReportFailure(ReportFailure.USAGE, e.getMessage());
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}

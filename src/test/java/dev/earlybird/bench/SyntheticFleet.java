package dev.earlybird.bench;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The replay's synthetic fleet: {@value #DATABASES} tenant databases x {@value #STATEMENTS} statements on one
 * target, tenants alternately in America/New_York and Europe/London. Calls and per-call cost follow the
 * tenant's local clock: busy weekday mornings, quiet nights and weekends, and statements whose cost per call
 * changes with the hour or the weekday, as real ones do:
 *
 * <ul>
 *   <li>s0-s4 {@code oltp}: calls follow the business day; per call up to 1.25x at the busiest hours.
 *   <li>s5 {@code light}: very frequent and very cheap (the impact floor's business).
 *   <li>s6 {@code batch}: runs mostly 01:00-05:00, and then costs 2x per call (bigger batches at night).
 *   <li>s7 {@code end-of-day}: 2.5x per call 17:00-18:00 on weekdays (it aggregates the whole day).
 *   <li>s8 {@code monday}: 2.2x per call Monday 07:00-11:00 (the weekend's backlog).
 *   <li>s9 {@code report}: office hours only, naturally high variance per call.
 * </ul>
 *
 * Everything random is seeded: every run replays the same calls.
 */
final class SyntheticFleet {
  static final String TARGET = "fleet";
  static final int DATABASES = 20;
  static final int STATEMENTS = 10;
  static final Duration POLL = Duration.ofMinutes(5);
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final ZoneId LONDON = ZoneId.of("Europe/London");
  static final String[] KINDS = {"oltp", "oltp", "oltp", "oltp", "oltp", "light", "batch", "end-of-day", "monday", "report"};

  record Series(int db, int statement, String kind, long queryId, double peakCallsPerHour, double meanMs, double sigma) {
    String tenant() {
      return tenantName(db);
    }

    ZoneId zone() {
      return zoneOf(db);
    }

    String label() {
      return "s" + statement + " " + kind;
    }
  }

  /** A per-call cost multiplier from a local instant on. */
  record Injection(int db, int statement, double factor, LocalDateTime local) {
    Instant at() {
      return ZonedDateTime.of(local, zoneOf(db)).toInstant();
    }
  }

  // Injected regressions: kept to statements with enough calls at that time for the impact floor (30 s/h).
  static final List<Injection> INJECTIONS = List.of(
      new Injection(1, 0, 2, LocalDateTime.parse("2026-10-27T10:20")),
      new Injection(4, 1, 3, LocalDateTime.parse("2026-10-26T09:40")), // first Monday after the UK's DST change
      new Injection(7, 6, 2, LocalDateTime.parse("2026-10-28T02:10")), // batch, at night
      new Injection(10, 9, 3, LocalDateTime.parse("2026-10-29T14:30")), // the high-variance report
      new Injection(13, 2, 3, LocalDateTime.parse("2026-11-02T08:15")), // first Monday after the US DST change
      new Injection(16, 3, 2, LocalDateTime.parse("2026-10-30T16:45")),
      new Injection(19, 4, 2, LocalDateTime.parse("2026-10-31T11:00")), // Saturday
      new Injection(2, 7, 2, LocalDateTime.parse("2026-10-23T11:00")), // a statement with its own daily swing
      new Injection(3, 6, 2, LocalDateTime.parse("2026-11-01T01:30")), // batch, in the hour the US repeats
      new Injection(6, 8, 2, LocalDateTime.parse("2026-10-27T10:00"))); // a statement with a weekly swing

  // Benign changes.
  static final int SURGE_DB = 5;
  static final LocalDate SURGE_DAY = LocalDate.parse("2026-10-28");
  static final int NEW_DB = 8;
  static final LocalDateTime NEW_FROM = LocalDateTime.parse("2026-10-29T09:00");
  static final int HOLIDAY_DB = 11;
  static final LocalDate HOLIDAY = LocalDate.parse("2026-11-02");
  static final int GONE_DB = 14;
  static final LocalDateTime GONE_FROM = LocalDateTime.parse("2026-10-27T00:00");
  static final Instant OUTAGE_FROM = Instant.parse("2026-10-30T02:00:00Z");
  static final Instant OUTAGE_TO = Instant.parse("2026-10-30T05:00:00Z");

  final List<Series> series = new ArrayList<>();
  private final SplittableRandom calls = new SplittableRandom(4242);

  SyntheticFleet() {
    var r = new SplittableRandom(7);
    for (int db = 0; db < DATABASES; db++) {
      for (int s = 0; s < STATEMENTS; s++) {
        String kind = KINDS[s];
        double peak, mean, sigma;
        switch (kind) {
          case "light" -> { peak = 20_000; mean = 0.3; sigma = 0.4; }
          case "batch" -> { peak = 2_000; mean = 40; sigma = 0.5; }
          case "end-of-day" -> { peak = 600; mean = 60; sigma = 0.9; }
          case "monday" -> { peak = 2_000; mean = 20; sigma = 0.6; }
          case "report" -> { peak = 200; mean = 150; sigma = 1.3; }
          default -> {
            peak = Math.exp(Math.log(1_000) + r.nextDouble() * Math.log(6));
            mean = Math.exp(Math.log(5) + r.nextDouble() * Math.log(8));
            sigma = 0.6;
          }
        }
        series.add(new Series(db, s, kind, queryId(s), peak, mean, sigma));
      }
    }
    // Injected statements are ones that matter: enough calls x cost for the impact floor at the injection time.
    for (Injection i : INJECTIONS) {
      Series s = find(i.db(), i.statement());
      if (s.kind().equals("oltp")) {
        boolean weekend = i.local().getDayOfWeek().getValue() >= 6;
        series.set(series.indexOf(s), new Series(s.db(), s.statement(), s.kind(), s.queryId(), weekend ? 6_000 : 4_000,
            weekend ? 50 : 25, s.sigma()));
      }
    }
    series.add(new Series(NEW_DB, STATEMENTS, "oltp", queryId(STATEMENTS), 3_000, 20, 0.6));
  }

  static String tenantName(int db) {
    return "t%02d".formatted(db);
  }

  static long oid(int db) {
    return 20_000 + db;
  }

  static ZoneId zoneOf(int db) {
    return db % 2 == 0 ? LONDON : NEW_YORK;
  }

  static long queryId(int statement) {
    return 0x5EED_0000_0000L + 7_919L * statement;
  }

  Series find(int db, int statement) {
    return series.stream().filter(s -> s.db() == db && s.statement() == statement).findFirst().orElseThrow();
  }

  List<DatabaseInfo> databases() {
    List<DatabaseInfo> out = new ArrayList<>();
    for (int db = 0; db < DATABASES; db++) {
      out.add(new DatabaseInfo(TARGET, oid(db), "tenant_" + tenantName(db)));
    }
    return out;
  }

  /** The overrides for the tenants' zones, as YAML flow mappings. */
  static String zoneOverrides() {
    List<String> o = new ArrayList<>();
    for (int db = 0; db < DATABASES; db++) {
      if (zoneOf(db).equals(LONDON)) {
        o.add(tenantName(db) + ": { timezone: Europe/London }");
      }
    }
    return "{ " + String.join(", ", o) + " }";
  }

  /** Business-day load at a local time, 1 at the weekday morning peak. */
  static double businessLoad(ZonedDateTime local) {
    int h = local.getHour();
    boolean weekend = local.getDayOfWeek() == DayOfWeek.SATURDAY || local.getDayOfWeek() == DayOfWeek.SUNDAY;
    if (weekend) {
      return h >= 9 && h < 19 ? 0.2 : 0.08;
    }
    if (h < 6) {
      return 0.08;
    }
    return switch (h) {
      case 6 -> 0.3;
      case 7 -> 0.6;
      case 8, 9, 10, 11 -> 1.0;
      case 12, 13, 14, 15, 16 -> 0.8;
      case 17 -> 0.7;
      case 18, 19, 20 -> 0.35;
      default -> 0.15;
    };
  }

  double callsPerHour(Series s, Instant t) {
    ZonedDateTime local = t.atZone(s.zone());
    int h = local.getHour();
    boolean weekday = local.getDayOfWeek().getValue() <= 5;
    double v = switch (s.kind()) {
      case "batch" -> h >= 1 && h < 5 ? 1.0 : 0.1;
      case "report" -> weekday && h >= 9 && h < 17 ? 1.0 : 0.02;
      default -> businessLoad(local);
    };
    v *= dayFactor(s, local.toLocalDate(), 0.15, 1);
    if (s.db() == SURGE_DB && local.toLocalDate().equals(SURGE_DAY)) {
      v *= 4;
    }
    if (s.db() == HOLIDAY_DB && local.toLocalDate().equals(HOLIDAY)) {
      v *= 0.1;
    }
    if (s.statement() == STATEMENTS && local.toLocalDateTime().isBefore(NEW_FROM)) {
      return 0;
    }
    if (s.db() == GONE_DB && s.statement() == 5 && !local.toLocalDateTime().isBefore(GONE_FROM)) {
      return 0;
    }
    return s.peakCallsPerHour() * v;
  }

  /** The per-call mean (the model's truth) at an instant. */
  double meanMs(Series s, Instant t) {
    ZonedDateTime local = t.atZone(s.zone());
    int h = local.getHour();
    boolean weekday = local.getDayOfWeek().getValue() <= 5;
    double c = switch (s.kind()) {
      case "oltp", "light" -> 1 + 0.25 * businessLoad(local);
      case "batch" -> h >= 1 && h < 5 ? 2.0 : 1.0;
      case "end-of-day" -> weekday && h == 17 ? 2.5 : 1.0;
      case "monday" -> local.getDayOfWeek() == DayOfWeek.MONDAY && h >= 7 && h < 11 ? 2.2 : 1.0;
      default -> 1.0;
    };
    c *= dayFactor(s, local.toLocalDate(), 0.05, 2);
    for (Injection i : INJECTIONS) {
      if (i.db() == s.db() && i.statement() == s.statement() && !t.isBefore(i.at())) {
        c *= i.factor();
      }
    }
    return s.meanMs() * c;
  }

  /** A slow day-to-day drift, seeded per series and day so both runs of a day agree. */
  private static double dayFactor(Series s, LocalDate day, double sigma, int salt) {
    var r = new SplittableRandom(((long) s.db() * 1_000 + s.statement()) * 1_000_003L + day.toEpochDay() * 31 + salt);
    return Math.exp(sigma * r.nextGaussian() - sigma * sigma / 2);
  }

  /** What every statement did in (from, to], drawn call by call in 5-minute steps. */
  List<StatementInterval> intervals(Instant from, Instant to) {
    List<StatementInterval> out = new ArrayList<>();
    for (Series s : series) {
      long n = 0;
      double sum = 0, sumsq = 0;
      for (Instant a = from; a.isBefore(to); a = a.plus(POLL)) {
        Instant b = a.plus(POLL).isAfter(to) ? to : a.plus(POLL);
        Instant mid = a.plus(Duration.between(a, b).dividedBy(2));
        double lambda = callsPerHour(s, mid) * Duration.between(a, b).toMillis() / 3.6e6;
        long k = poisson(lambda);
        double m = meanMs(s, mid);
        for (long c = 0; c < k; c++) {
          double x = m * Math.exp(s.sigma() * calls.nextGaussian() - s.sigma() * s.sigma() / 2);
          sum += x;
          sumsq += x * x;
        }
        n += k;
      }
      if (n > 0) {
        out.add(new StatementInterval(new StatementKey(TARGET, oid(s.db()), 10, s.queryId(), true), from, to,
                CounterValues.ZERO.with(Counter.CALLS, n)
                .with(Counter.EXEC_MS, sum)
                .with(Counter.EXEC_SUMSQ_MS, sumsq)
                .with(Counter.ROWS, n), java.util.OptionalDouble.empty()));
      }
    }
    return out;
  }

  private long poisson(double lambda) {
    if (lambda <= 0) {
      return 0;
    }
    if (lambda > 50) {
      return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * calls.nextGaussian()));
    }
    double l = Math.exp(-lambda), p = 1;
    long k = 0;
    do {
      k++;
      p *= calls.nextDouble();
    } while (p > l);
    return k - 1;
  }
}

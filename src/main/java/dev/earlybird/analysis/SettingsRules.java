package dev.earlybird.analysis;

import dev.earlybird.model.Evidence;
import dev.earlybird.model.ServerSettings;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code settings}: what a target's settings keep its statistics from telling, one advice per setting (fingerprint
 * per target and setting), seen while polling. Pure.
 *
 * <ul>
 *   <li>{@code pg_stat_statements.max}: entries were evicted (deallocations): statements come and go from the
 *       view, their counters restart and the rare ones are never seen;
 *   <li>{@code track_io_timing} off: CPU can only be guessed from execution time, an upper bound;
 *   <li>{@code pg_stat_statements.track_planning} off: planning time is not recorded, so planning-time advice cannot
 *       be given;
 *   <li>the pg_stat_statements extension older than the server's binaries offer: columns are missing.
 * </ul>
 */
public final class SettingsRules {
  static final String RULE = "settings";

  private SettingsRules() {}

  public static List<Observation> observe(String target, List<String> tenants, ServerSettings s, Instant now) {
    Subject.Target subject = new Subject.Target(target, tenants);
    List<Observation> out = new ArrayList<>();
    if (s.dealloc() > 0 && s.pgssMax() > 0) {
      double days = s.statsReset().map(r -> Math.max(Duration.between(r, now).toSeconds(), 3600) / 86_400.0)
          .orElse(Double.NaN);
      String rate = Double.isNaN(days) ? "" : String.format(Locale.ROOT, " (%,.0f per day)", s.dealloc() / days);
      int suggested = Math.max(10_000, s.pgssMax() * 2);
      Map<String, Double> numbers = new LinkedHashMap<>();
      numbers.put("deallocations", (double) s.dealloc());
      numbers.put("pgssMax", (double) s.pgssMax());
      numbers.put("suggestedPgssMax", (double) suggested);
      if (!Double.isNaN(days)) {
        numbers.put("deallocationsPerDay", round(s.dealloc() / days));
      }
      out.add(advice(subject, "pg_stat_statements.max", String.format(Locale.ROOT,
          "pg_stat_statements evicted entries %,d times since its statistics were reset%s: its %,d entries are too "
              + "few, so statements drop out of the view, their counters restart and rare ones go unseen: raise "
              + "pg_stat_statements.max to %,d (ALTER SYSTEM SET pg_stat_statements.max = %d, or the parameter "
              + "group on RDS; takes a restart; each entry takes shared memory for its text and counters)",
          s.dealloc(), rate, s.pgssMax(), suggested, suggested), numbers));
    }
    if (!s.trackIoTiming()) {
      out.add(advice(subject, "track_io_timing",
          "track_io_timing is off: time waiting for reads is not known, so a statement's CPU is guessed from its "
              + "execution time, an upper bound: turn it on (ALTER SYSTEM SET track_io_timing = on; SELECT "
              + "pg_reload_conf(), or the parameter group on RDS; check the clock's cost with pg_test_timing, "
              + "usually a few tens of nanoseconds per read)",
          Map.of()));
    }
    if (s.trackPlanning().isPresent() && !s.trackPlanning().get()) {
      out.add(advice(subject, "pg_stat_statements.track_planning",
          "pg_stat_statements.track_planning is off: planning time is not recorded, so statements that spend more "
              + "time planning than running get no advice: turn it on where planning may matter "
              + "(ALTER SYSTEM SET pg_stat_statements.track_planning = on; SELECT pg_reload_conf()); it adds a little "
              + "overhead per plan, and can contend on very many concurrent runs of one statement",
          Map.of()));
    }
    if (s.pgssVersion() != null && s.pgssDefaultVersion() != null
        && compareVersions(s.pgssVersion(), s.pgssDefaultVersion()) < 0) {
      out.add(advice(subject, "pg_stat_statements version", String.format(Locale.ROOT,
          "the pg_stat_statements extension is at version %s while the server offers %s: the view lacks the newer "
              + "counters: ALTER EXTENSION pg_stat_statements UPDATE in the database it was created in",
          s.pgssVersion(), s.pgssDefaultVersion()), Map.of()));
    }
    return out;
  }

  private static Observation advice(Subject.Target subject, String setting, String advice, Map<String, Double> nums) {
    var evidence = new Evidence.Advice(RULE, advice, null, nums);
    return new Observation(Fingerprints.advice(RULE, subject.target() + "\u0000" + setting), Severity.INFO, subject,
        AdviceRules.summary(evidence), evidence);
  }

  /** Dotted versions numerically, part by part ("1.10" is above "1.9"); a part that is not a number compares as 0. */
  static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Integer.compare(part(x, i), part(y, i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static int part(String[] parts, int i) {
    if (i >= parts.length) {
      return 0;
    }
    try {
      return Integer.parseInt(parts[i].trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static double round(double v) {
    return Math.round(v * 10.0) / 10.0;
  }
}

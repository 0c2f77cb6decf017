package dev.earlybird.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Binds {@code advisor:}. */
final class AdvisorBinder {
  static final List<String> KEYS = List.of("enabled", "interval", "catalogRefresh", "maxPlansPerTarget",
      "replanAfter", "minCostReduction", "statementTimeout", "maxConnectionsPerTarget");

  private AdvisorBinder() {}

  static AdvisorConfig bind(Optional<MapNode> section) {
    if (section.isEmpty()) {
      return AdvisorConfig.DEFAULT;
    }
    MapNode m = section.get();
    AdvisorConfig d = AdvisorConfig.DEFAULT;
    boolean enabled = m.value("enabled", Values::bool, d.enabled());
    Duration interval = m.value("interval", Values.duration(false), d.interval());
    Duration catalogRefresh = m.value("catalogRefresh", Values.duration(false), d.catalogRefresh());
    int maxPlans = m.value("maxPlansPerTarget", Values.integer(1, 1000), d.maxPlansPerTarget());
    Duration replanAfter = m.value("replanAfter", Values.duration(false), d.replanAfter());
    double minReduction = m.value("minCostReduction", AdvisorBinder::percent, d.minCostReductionPct());
    Duration timeout = m.value("statementTimeout", AdvisorBinder::timeout, d.statementTimeout());
    int connections = m.value("maxConnectionsPerTarget", Values.integer(1, 16), d.maxConnectionsPerTarget());
    return m.build(() -> new AdvisorConfig(enabled, interval, catalogRefresh, maxPlans, replanAfter, minReduction,
        timeout, connections)).orElse(AdvisorConfig.DEFAULT);
  }

  /** {@code 50} or {@code 50%}: how much cheaper a plan must get, in percent. */
  static double percent(String text) {
    String s = text.strip();
    String number = s.endsWith("%") ? s.substring(0, s.length() - 1).strip() : s;
    double value;
    try {
      value = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(Values.quote(text) + " is not a percentage; expected a number like 50 or 50%");
    }
    if (!(value > 0 && value < 100)) {
      throw new IllegalArgumentException(Values.quote(text) + " is out of range; expected a percentage above 0 and "
          + "below 100, like 50");
    }
    return value;
  }

  /** Planning statements must end quickly: a minute is already generous for one EXPLAIN. */
  private static Duration timeout(String text) {
    Duration d = Values.duration(false).apply(text);
    if (d.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException(Values.quote(text) + " is too long; expected at most 1m (each planning or "
          + "catalog statement runs under it on the monitored server)");
    }
    return d;
  }
}

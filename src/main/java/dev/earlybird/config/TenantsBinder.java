package dev.earlybird.config;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Binds {@code tenants:}; per-tenant overrides are merged over the defaults here, once. */
final class TenantsBinder {
  static final List<String> KEYS = List.of("pattern", "defaults", "overrides");
  static final List<String> SETTINGS_KEYS = List.of("timezone", "workdayStart", "workdays", "holidays");

  private TenantsBinder() {}

  static TenantsConfig bind(Optional<MapNode> section) {
    if (section.isEmpty()) {
      return TenantsConfig.DEFAULT;
    }
    MapNode m = section.get();
    Pattern pattern =
        m.value("pattern", TenantsBinder::tenantPattern, Pattern.compile(TenantsConfig.DEFAULT_PATTERN));
    TenantSettings defaults =
        m.map("defaults", SETTINGS_KEYS).map(d -> settings(d, TenantSettings.DEFAULT)).orElse(TenantSettings.DEFAULT);
    Map<String, TenantSettings> overrides = new LinkedHashMap<>();
    // Keys of overrides are tenant names, so any key is allowed there.
    m.map("overrides", null).ifPresent(o -> o.entries().forEach((tenant, node) ->
        node.map(SETTINGS_KEYS).ifPresent(s -> overrides.put(tenant, settings(s, defaults)))));
    return m.build(() -> new TenantsConfig(pattern, defaults, overrides)).orElseGet(() -> TenantsConfig.DEFAULT);
  }

  static TenantSettings settings(MapNode m, TenantSettings base) {
    ZoneId zone = m.value("timezone", Values::zone, base.timezone());
    LocalTime start = m.value("workdayStart", Values::timeOfDay, base.workdayStart());
    Set<DayOfWeek> days = m.get("workdays").map(TenantsBinder::workdays).orElse(base.workdays());
    // Given, the list replaces the base's holidays (an empty list clears them); absent, they are inherited.
    SortedSet<LocalDate> holidays = m.list("holidays").map(TenantsBinder::holidays).orElse(base.holidays());
    return new TenantSettings(zone, start, days, holidays);
  }

  private static SortedSet<LocalDate> holidays(List<ConfigNode> items) {
    SortedSet<LocalDate> dates = new TreeSet<>();
    for (ConfigNode item : items) {
      item.as(Values::date).ifPresent(dates::add);
    }
    return dates;
  }

  /** A list of days or ranges; a single value like {@code MON-FRI} is accepted too. */
  private static Set<DayOfWeek> workdays(ConfigNode node) {
    List<ConfigNode> items = node.isList() ? node.list().orElseThrow() : List.of(node);
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (ConfigNode item : items) {
      item.as(Values::days).ifPresent(days::addAll);
    }
    return days;
  }

  static Pattern tenantPattern(String text) {
    Pattern p = Values.regex(text);
    if (!p.namedGroups().containsKey(TenantsConfig.GROUP)) {
      throw new IllegalArgumentException(Values.quote(text) + " has no named group \"tenant\"; expected a pattern "
          + "with (?<tenant>...) like ^tenant_(?<tenant>.+)$ (databases it does not match are their own tenant)");
    }
    return p;
  }
}

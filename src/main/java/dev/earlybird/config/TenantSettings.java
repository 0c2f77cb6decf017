package dev.earlybird.config;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * When a tenant's working day begins; the morning review runs before it in the tenant's own zone. The
 * default zone is {@code ZoneId.of("UTC")} (not {@code ZoneOffset.UTC}) so it equals what {@code timezone: UTC}
 * loads as.
 *
 * @param workdays may be empty: such a tenant gets no morning review
 */
public record TenantSettings(ZoneId timezone, LocalTime workdayStart, Set<DayOfWeek> workdays) {
  public static final TenantSettings DEFAULT = new TenantSettings(
      ZoneId.of("UTC"), LocalTime.of(7, 0), EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));

  public TenantSettings {
    Objects.requireNonNull(timezone, "timezone");
    Objects.requireNonNull(workdayStart, "workdayStart");
    // EnumSet keeps Monday-first order in toString; wrapped so nobody can change it.
    workdays = Collections.unmodifiableSet(
        workdays.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(workdays));
  }
}

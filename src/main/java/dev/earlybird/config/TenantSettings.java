package dev.earlybird.config;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * When a tenant's working day begins; the morning review runs before it in the tenant's own zone. The
 * default zone is {@code ZoneId.of("UTC")} (not {@code ZoneOffset.UTC}) so it equals what {@code timezone: UTC}
 * loads as.
 *
 * @param workdays may be empty: such a tenant gets no morning review
 * @param holidays local dates without a morning review even when they fall on a workday; an override's list
 *     replaces the defaults' list (it does not add to it), as YAML readers expect of a repeated key
 */
public record TenantSettings(
    ZoneId timezone, LocalTime workdayStart, Set<DayOfWeek> workdays, SortedSet<LocalDate> holidays) {
  public static final TenantSettings DEFAULT = new TenantSettings(
      ZoneId.of("UTC"), LocalTime.of(7, 0), EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), new TreeSet<>());

  public TenantSettings {
    Objects.requireNonNull(timezone, "timezone");
    Objects.requireNonNull(workdayStart, "workdayStart");
    // EnumSet keeps Monday-first order in toString; wrapped so nobody can change it.
    workdays = Collections.unmodifiableSet(
        workdays.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(workdays));
    holidays = Collections.unmodifiableSortedSet(new TreeSet<>(holidays));
  }
}

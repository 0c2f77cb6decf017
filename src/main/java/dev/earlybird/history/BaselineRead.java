package dev.earlybird.history;

import dev.earlybird.model.Period;
import java.util.ArrayList;
import java.util.List;

/**
 * How the periods of a baseline are read: the whole UTC days the daily rollup already holds come from
 * {@code statement_daily}, one row per statement and day instead of 24 hourly rows (a 28-day rolling baseline
 * reads about 27 + 24 rows per statement instead of 672); the rest, the partial days at both ends, through the
 * tiers. The sums are the same either way: a day's row is the sum of its hours, late intervals are folded into
 * both, and a day is only taken from the daily rollup once the daily watermark has passed it (the watermark only
 * moves forward, so one read before the statement is safe). Pure.
 *
 * @param tiers pieces read through {@link HistoryReads#tiers}
 * @param days pieces aligned to UTC midnights, read from statement_daily: the daily buckets {@code b} with
 *     {@code from <= b < to}, which hold the intervals ending in {@code (from, to]}
 */
record BaselineRead(List<Period> tiers, List<Period> days) {
  BaselineRead {
    tiers = List.copyOf(tiers);
    days = List.copyOf(days);
  }

  /** @param dailyWatermarkUs every interval ending at or before it is in statement_daily (0 = none) */
  static BaselineRead of(List<Period> periods, long dailyWatermarkUs) {
    List<Period> tiers = new ArrayList<>();
    List<Period> days = new ArrayList<>();
    for (Period p : periods) {
      long from = Columns.micros(p.from());
      long to = Columns.micros(p.to());
      long firstDay = Math.ceilDiv(from, Rollups.DAY_US) * Rollups.DAY_US;
      long endOfDays = Math.min(Columns.floorTo(to, Rollups.DAY_US), Columns.floorTo(dailyWatermarkUs, Rollups.DAY_US));
      if (firstDay >= endOfDays) {
        tiers.add(p);
        continue;
      }
      if (from < firstDay) {
        tiers.add(new Period(p.from(), Columns.instant(firstDay)));
      }
      days.add(new Period(Columns.instant(firstDay), Columns.instant(endOfDays)));
      if (endOfDays < to) {
        tiers.add(new Period(Columns.instant(endOfDays), p.to()));
      }
    }
    return new BaselineRead(tiers, days);
  }

  boolean isEmpty() {
    return tiers.isEmpty() && days.isEmpty();
  }
}

package dev.earlybird.web;

import dev.earlybird.analysis.HotQuery;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How the hot list is sorted: {@code sort=<column>&order=asc|desc}, columns named as the API's JSON fields. The
 * default, CPU descending, is the order the analysis ranks in; any other reorders the ranked list (ties keep their CPU
 * order). Missing values (no baseline, a PI-only digest's database) go last either way.
 */
record HotOrder(HotOrder.Column column, boolean descending) {
  static final HotOrder DEFAULT = new HotOrder(Column.CPU_MS, true);

  /** The sortable columns; numbers sort largest first unless asked otherwise, text A to Z. */
  enum Column {
    CPU_MS("cpuMs", HotQuery::cpuMs),
    CALLS("calls", HotQuery::calls),
    TOTAL_EXEC_MS("totalExecMs", HotQuery::totalExecMs),
    MEAN_MS("meanMs", HotQuery::meanMs),
    SHARE_PCT("sharePct", HotQuery::sharePct),
    BASELINE_MEAN_MS("baselineMeanMs", HotQuery::baselineMeanMs),
    CHANGE_PCT("changePct", HotQuery::changePct),
    ROWS("rows", HotQuery::rows),
    TARGET("target", HotQuery::target),
    DATABASE("database", HotQuery::database),
    TENANT("tenant", HotQuery::tenant);

    /** The parameter's value: the JSON field's name. */
    final String param;
    private final Function<HotQuery, Comparable<?>> key;

    Column(String param, Function<HotQuery, Comparable<?>> key) {
      this.param = param;
      this.key = key;
    }

    boolean text() {
      return this == TARGET || this == DATABASE || this == TENANT;
    }
  }

  /** @param sort null or blank: CPU; @param order null or blank: the column's natural order */
  static HotOrder parse(String sort, String order) {
    Column column = Column.CPU_MS;
    if (sort != null && !sort.isBlank()) {
      column = Arrays.stream(Column.values()).filter(c -> c.param.equals(sort.strip())).findFirst()
          .orElseThrow(() -> new BadRequest("'sort' must be one of " + Arrays.stream(Column.values())
              .map(c -> c.param).collect(Collectors.joining(", ")) + ", got '" + sort + "'"));
    }
    if (order == null || order.isBlank()) {
      return new HotOrder(column, !column.text());
    }
    return switch (order.strip().toLowerCase(Locale.ROOT)) {
      case "asc" -> new HotOrder(column, false);
      case "desc" -> new HotOrder(column, true);
      default -> throw new BadRequest("'order' must be asc or desc, got '" + order + "'");
    };
  }

  boolean isDefault() {
    return equals(DEFAULT);
  }

  String order() {
    return descending ? "desc" : "asc";
  }

  /** The same column the other way round: what its header links to when it is the current sort. */
  HotOrder flipped() {
    return new HotOrder(column, !descending);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  Comparator<HotQuery> comparator() {
    return (a, b) -> {
      Comparable x = column.key.apply(a);
      Comparable y = column.key.apply(b);
      if (x == null || y == null) {
        return x == y ? 0 : x == null ? 1 : -1;
      }
      int c = x.compareTo(y);
      return descending ? -c : c;
    };
  }
}

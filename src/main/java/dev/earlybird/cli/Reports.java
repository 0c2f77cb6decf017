package dev.earlybird.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.earlybird.cli.Table.Column;
import dev.earlybird.web.Api.HotQueriesJson;
import dev.earlybird.web.Api.HotQueryJson;
import dev.earlybird.web.BaselineJson;
import dev.earlybird.web.BaselineJson.Baseline;
import dev.earlybird.web.BaselineJson.Change;
import dev.earlybird.web.Json;
import dev.earlybird.web.Units;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The documents of {@code report} and {@code baseline list} in each {@link Format}. JSON is exactly what the
 * API serves; CSV has the API's fields in the API's order (one record per row); the table shows what a person
 * scans for.
 */
final class Reports {
  private Reports() {}

  /** A row with its rank (1 = worst), which tables show and CSV leaves to the row order. */
  record Ranked<T>(int rank, T row) {}

  private static final Table<Ranked<HotQueryJson>> HOT = new Table<>(
      List.of(
          Column.right("#", r -> Integer.toString(r.rank())),
          Column.left("TARGET", 16, r -> r.row().target()),
          Column.left("DATABASE", 20, r -> r.row().database()),
          Column.left("TENANT", 12, r -> r.row().tenant()),
          Column.right("QUERY ID", r -> r.row().piOnly() ? "PI-only" : r.row().queryId()),
          Column.right("CALLS", r -> Units.count(r.row().calls())),
          Column.right("TOTAL", r -> Units.ms(r.row().totalExecMs())),
          Column.right("MEAN", r -> Units.ms(r.row().meanMs())),
          Column.right("CPU", r -> Units.ms(r.row().cpuMs())),
          Column.right("SHARE", r -> Units.percent(r.row().sharePct())),
          Column.right("BASELINE", r -> Units.ms(r.row().baselineMeanMs())),
          Column.right("CHANGE", r -> r.row().changePct() == null ? "" : String.format(java.util.Locale.ROOT, "%+.0f%%", r.row().changePct())),
          Column.rest("QUERY", r -> textOf(r.row().query()))));

  private static final Table<Ranked<Change>> CHANGES = new Table<>(
      List.of(
          Column.right("#", r -> Integer.toString(r.rank())),
          Column.left("STATUS", 0, r -> r.row().status()),
          Column.left("TARGET", 20, r -> r.row().target()),
          Column.left("DATABASE", 24, r -> r.row().database()),
          Column.right("MEAN", r -> Units.ms(r.row().beforeMeanMs()) + " -> " + Units.ms(r.row().afterMeanMs())),
          Column.right("RATIO", r -> Units.ratio(r.row().ratio())),
          Column.right("CALLS", r -> Units.count(r.row().beforeCalls()) + " -> " + Units.count(r.row().afterCalls())),
          Column.right("CPU", r -> Units.ms(r.row().beforeCpuMs()) + " -> " + Units.ms(r.row().afterCpuMs())),
          Column.right("EXTRA", r -> Units.ms(r.row().extraMs())),
          Column.rest("QUERY", r -> textOf(r.row().query()))));

  private static final Table<Baseline> BASELINES = new Table<>(
      List.of(
          Column.left("NAME", 0, Baseline::name),
          Column.left("TARGET", 0, b -> b.target() == null ? "all" : b.target()),
          Column.left("FROM", 0, b -> b.from().toString()),
          Column.left("TO", 0, b -> b.to().toString()),
          Column.left("CREATED", 0, b -> b.created().toString()),
          Column.right("STATEMENTS", b -> Units.count(b.statements()))));

  static void print(PrintWriter out, Format format, HotQueriesJson hot) {
    switch (format) {
      case JSON -> json(out, hot);
      case CSV -> Table.printCsv(out, HotQueryJson.class, hot.queries());
      case TABLE -> {
        if (hot.queries().isEmpty()) {
          out.println("No statements recorded from " + hot.from() + " to " + hot.to() + ".");
        } else {
          out.println("Hot queries from " + hot.from() + " to " + hot.to() + ", by CPU:");
          HOT.printTable(out, ranked(hot.queries()));
        }
      }
    }
    out.flush();
  }

  static void print(PrintWriter out, Format format, BaselineJson.Comparison c) {
    switch (format) {
      case JSON -> json(out, c);
      case CSV -> Table.printCsv(out, Change.class, c.changes());
      case TABLE -> {
        Baseline b = c.baseline();
        out.println("Baseline " + b.name() + " (" + (b.target() == null ? "all targets" : "target " + b.target()) + ", "
            + b.from() + " to " + b.to() + ", " + b.statements() + " statements)");
        out.println("against " + c.from() + " to " + c.to() + ", worst changes of time per call first (before -> after):");
        if (c.changes().isEmpty()) {
          out.println("No statements to compare.");
        } else {
          CHANGES.printTable(out, ranked(c.changes()));
        }
      }
    }
    out.flush();
  }

  static void print(PrintWriter out, Format format, List<Baseline> baselines) {
    switch (format) {
      case JSON -> json(out, new BaselineJson.Baselines(baselines));
      case CSV -> Table.printCsv(out, Baseline.class, baselines);
      case TABLE -> {
        if (baselines.isEmpty()) {
          out.println("No pinned baselines. Pin one with: earlybird baseline pin NAME --from ISO --to ISO --config FILE");
        } else {
          BASELINES.printTable(out, baselines);
        }
      }
    }
    out.flush();
  }

  /** Texts are fetched a little after a statement first appears. */
  private static String textOf(String query) {
    return query == null ? "(no text yet)" : query;
  }

  private static <T> List<Ranked<T>> ranked(List<T> rows) {
    return IntStream.range(0, rows.size()).mapToObj(i -> new Ranked<>(i + 1, rows.get(i))).toList();
  }

  private static void json(PrintWriter out, Object document) {
    try {
      out.println(Json.mapper().writeValueAsString(document));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + document.getClass().getSimpleName() + " as JSON", e);
    }
  }
}

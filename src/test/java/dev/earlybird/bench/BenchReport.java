package dev.earlybird.bench;

import static dev.earlybird.bench.BenchOutput.field;
import static dev.earlybird.bench.BenchOutput.line;
import static dev.earlybird.bench.BenchOutput.num;
import static dev.earlybird.bench.BenchOutput.quote;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The bench's result as a human-readable text and a JSON document (same figures). */
record BenchReport(
    Instant date,
    BenchConfig config,
    String pgVersion,
    String pgssVersion,
    int databases,
    int rawRows,
    int snapshotEntries,
    int churnPerRound,
    double setupSeconds,
    Measurements m,
    long textReads,
    PollBench.ServerExec serverExec,
    Overheads overheads,
    long storeFileBytes) {

  double timeRatio() {
    return m.pollMs.median() / m.rawMs.median();
  }

  double bytesRatio() {
    return m.pollBytes.median() / m.rawBytes.median();
  }

  double fullBytesRatio() {
    return m.fullPollBytes.median() / m.rawBytes.median();
  }

  double fullTimeRatio() {
    return m.pollMs.median() / m.fullPollMs.median();
  }

  static String verdict(double ratio, double goal) {
    return ratio <= goal ? "PASS" : "MISS";
  }

  String text() {
    var b = new StringBuilder();
    line(b, "Earlybird poll bench, %s", date);
    line(b, "JDK %s (%s), %s %s", Runtime.version(), System.getProperty("java.vendor"),
        System.getProperty("os.name"), System.getProperty("os.arch"));
    line(b, "PostgreSQL %s, pg_stat_statements %s, pg_stat_statements.max %d", pgVersion, pgssVersion, config.pgssMax());
    line(b, "databases %d (read by the source), entries %d (raw rows) / %d (snapshot), %d statements x %d databases generated",
        databases, rawRows, snapshotEntries, config.statementsPerDb(), config.databases());
    line(b, "rounds %d measured after %d warm-up, %d statements run between rounds (%.1f%%), setup %.1f s",
        m.rounds(), config.warmup(), churnPerRound, config.churnPercent(), setupSeconds);
    b.append('\n');
    line(b, "%-34s %10s %10s %10s", "", "median", "p90", "max");
    for (Samples s : List.of(m.rawMs, m.pollMs, m.snapshotMs, m.diffMs, m.storeMs, m.statsMs, m.fullPollMs,
        m.fullSnapshotMs)) {
      line(b, "%-34s %10.2f %10.2f %10.2f", s.name(), s.median(), s.p90(), s.max());
    }
    for (Samples s : List.of(m.rawBytes, m.pollBytes, m.fullPollBytes, m.countersRead, m.intervals, m.newKeys)) {
      line(b, "%-34s %10.0f %10.0f %10.0f", s.name(), s.median(), s.p90(), s.max());
    }
    line(b, "server exec (pg_stat_statements mean, all calls): raw %.2f ms; source counters %.2f ms + header %.2f ms;"
        + " probe %.2f ms", serverExec.rawMs(), serverExec.countersMs(), serverExec.headerMs(), serverExec.probeMs());
    line(b, "measured polls that probed and read the changed entries only: %d of %d", m.probed, m.pollMs.size());
    line(b, "server compute of the raw read without sending rows (EXPLAIN ANALYZE, median of 5): %.2f ms",
        serverExec.explainMs());
    line(b, "inside the poll: Snapshot's Map.copyOf of the entries %.2f ms; persist's compare of all entries %.2f ms (%d changed)",
        overheads.copyMs(), overheads.compareMs(), overheads.changed());
    b.append('\n');
    line(b, "time  ratio poll/raw (medians) %.2f  goal <= %.1f  %s   (p90 ratio %.2f)",
        timeRatio(), PollBench.TIME_GOAL, verdict(timeRatio(), PollBench.TIME_GOAL), m.pollMs.p90() / m.rawMs.p90());
    line(b, "time  ratio poll/full-read poll (medians) %.2f  goal <= %.1f  %s",
        fullTimeRatio(), PollBench.FULL_TIME_GOAL, verdict(fullTimeRatio(), PollBench.FULL_TIME_GOAL));
    line(b, "bytes ratio poll/raw (medians) %.3f goal <= %.1f  %s   (full-read poll/raw %.3f)",
        bytesRatio(), PollBench.BYTES_GOAL, verdict(bytesRatio(), PollBench.BYTES_GOAL), fullBytesRatio());
    line(b, "texts read by the agent's connection: %d calls  %s", textReads, textReads == 0 ? "PASS" : "MISS");
    line(b, "poll = snapshot() + StatementDiff.between + recordPoll through HistoryWriter; store.stats(), which");
    line(b, "TargetPoller also calls after each write, is listed apart and not in the poll time. DuckDB file %d bytes.",
        storeFileBytes);
    return b.toString();
  }

  String json() {
    var b = new StringBuilder("{\n");
    field(b, "date", quote(date.toString()));
    field(b, "jdk", quote(Runtime.version().toString()));
    field(b, "pgVersion", quote(pgVersion));
    field(b, "pgssVersion", quote(pgssVersion));
    field(b, "databases", Integer.toString(databases));
    field(b, "entries", Integer.toString(rawRows));
    field(b, "snapshotEntries", Integer.toString(snapshotEntries));
    field(b, "rounds", Integer.toString(m.rounds()));
    field(b, "warmup", Integer.toString(config.warmup()));
    field(b, "churnPerRound", Integer.toString(churnPerRound));
    for (Samples s : List.of(m.rawMs, m.pollMs, m.snapshotMs, m.diffMs, m.storeMs, m.statsMs, m.fullPollMs,
        m.fullSnapshotMs, m.rawBytes, m.pollBytes, m.fullPollBytes, m.countersRead, m.intervals, m.newKeys)) {
      field(b, s.key(), "{\"median\": %s, \"p90\": %s, \"max\": %s}".formatted(num(s.median()), num(s.p90()), num(s.max())));
    }
    field(b, "timeRatio", num(timeRatio()));
    field(b, "timeGoal", num(PollBench.TIME_GOAL));
    field(b, "timeVerdict", quote(verdict(timeRatio(), PollBench.TIME_GOAL)));
    field(b, "fullTimeRatio", num(fullTimeRatio()));
    field(b, "fullTimeGoal", num(PollBench.FULL_TIME_GOAL));
    field(b, "fullTimeVerdict", quote(verdict(fullTimeRatio(), PollBench.FULL_TIME_GOAL)));
    field(b, "probedPolls", Integer.toString(m.probed));
    field(b, "bytesRatio", num(bytesRatio()));
    field(b, "fullBytesRatio", num(fullBytesRatio()));
    field(b, "bytesGoal", num(PollBench.BYTES_GOAL));
    field(b, "bytesVerdict", quote(verdict(bytesRatio(), PollBench.BYTES_GOAL)));
    field(b, "textReads", Long.toString(textReads));
    field(b, "serverExecRawMs", num(serverExec.rawMs()));
    field(b, "serverExecCountersMs", num(serverExec.countersMs()));
    field(b, "serverExecHeaderMs", num(serverExec.headerMs()));
    field(b, "serverExecProbeMs", num(serverExec.probeMs()));
    field(b, "serverExplainRawMs", num(serverExec.explainMs()));
    field(b, "snapshotMapCopyMs", num(overheads.copyMs()));
    field(b, "persistCompareMs", num(overheads.compareMs()));
    b.setLength(b.length() - 2);
    return b.append("\n}\n").toString();
  }
}

package dev.earlybird.history;

import dev.earlybird.model.PerCall;
import dev.earlybird.model.Period;
import java.util.List;

/** A statement's calls and execution time summed over some periods (a baseline's side of the hot list). */
public record CallTime(long calls, double execMs) {
  public double meanMs() {
    return PerCall.mean(calls, execMs);
  }

  /** Which statements to sum over which periods: one of the reads {@link HistoryStore#callTimes} does at once. */
  public record Read(List<Period> periods, List<StatementRef> statements) {
    public Read {
      periods = List.copyOf(periods);
      statements = List.copyOf(statements);
    }
  }
}

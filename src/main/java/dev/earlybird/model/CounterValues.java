package dev.earlybird.model;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * A value for every {@link Counter}: the cumulative counters of an entry, what one statement did in an interval, or
 * the sums of many intervals. Immutable. {@link #minus} turns two cumulative readings into an interval, {@link #plus}
 * sums intervals and rollups, {@link #isSane} rejects what should never be stored.
 *
 * <p>Held in two arrays (longs and doubles, in {@link Counter} order) so that every operation and every reader or
 * writer is one loop over the description instead of a list of 21 names.
 */
public final class CounterValues {
  private static final Counter[] ALL = Counter.values();
  private static final int[] SLOT = new int[ALL.length];
  private static final int LONGS;
  private static final int DOUBLES;

  static {
    int longs = 0;
    int doubles = 0;
    for (Counter c : ALL) {
      SLOT[c.ordinal()] = c.kind() == Counter.Kind.LONG ? longs++ : doubles++;
    }
    LONGS = longs;
    DOUBLES = doubles;
  }

  public static final CounterValues ZERO = new CounterValues(new long[LONGS], new double[DOUBLES]);

  private final long[] longs;
  private final double[] doubles;

  private CounterValues(long[] longs, double[] doubles) {
    this.longs = longs;
    this.doubles = doubles;
  }

  /** The value of a {@link Counter.Kind#LONG} counter. */
  public long longValue(Counter c) {
    return longs[slot(c, Counter.Kind.LONG)];
  }

  /** The value of a {@link Counter.Kind#DOUBLE} counter. */
  public double doubleValue(Counter c) {
    return doubles[slot(c, Counter.Kind.DOUBLE)];
  }

  /** The same values with {@code c} set to {@code v} (converted as Java assigns a long to a double). */
  public CounterValues with(Counter c, long v) {
    if (c.kind() == Counter.Kind.DOUBLE) {
      return with(c, (double) v);
    }
    long[] l = longs.clone();
    l[slot(c, Counter.Kind.LONG)] = v;
    return new CounterValues(l, doubles);
  }

  /** The same values with {@code c} (a double counter) set to {@code v}. */
  public CounterValues with(Counter c, double v) {
    double[] d = doubles.clone();
    d[slot(c, Counter.Kind.DOUBLE)] = v;
    return new CounterValues(longs, d);
  }

  /**
   * What happened between the cumulative reading {@code before} and this one, counter by counter. The caller has
   * checked that the entry was not re-created in between ({@link #anyBelow}); a counter that may dip by a rounding
   * error ({@link Counter#monotonic()} false: the reconstructed sum of squares) is clamped at 0, since a variance is
   * never negative.
   */
  public CounterValues minus(CounterValues before) {
    long[] l = new long[LONGS];
    double[] d = new double[DOUBLES];
    for (Counter c : ALL) {
      int s = SLOT[c.ordinal()];
      if (c.kind() == Counter.Kind.LONG) {
        l[s] = longs[s] - before.longs[s];
      } else {
        double diff = doubles[s] - before.doubles[s];
        d[s] = c.monotonic() ? diff : Math.max(0, diff);
      }
    }
    return new CounterValues(l, d);
  }

  /** The sums of both, counter by counter. */
  public CounterValues plus(CounterValues other) {
    long[] l = new long[LONGS];
    double[] d = new double[DOUBLES];
    for (int i = 0; i < LONGS; i++) {
      l[i] = longs[i] + other.longs[i];
    }
    for (int i = 0; i < DOUBLES; i++) {
      d[i] = doubles[i] + other.doubles[i];
    }
    return new CounterValues(l, d);
  }

  /** Whether any counter that only grows while its entry lives ({@link Counter#monotonic()}) is lower than before. */
  public boolean anyBelow(CounterValues before) {
    for (Counter c : ALL) {
      if (!c.monotonic()) {
        continue;
      }
      int s = SLOT[c.ordinal()];
      if (c.kind() == Counter.Kind.LONG ? longs[s] < before.longs[s] : doubles[s] < before.doubles[s]) {
        return true;
      }
    }
    return false;
  }

  /**
   * Finite and non-negative everywhere: a NaN, infinite or negative value read from someone else's database is
   * never diffed or stored (the reconstructed sum of squares overflows to infinity on absurd means).
   */
  public boolean isSane() {
    long anyLong = 0;
    for (long v : longs) {
      anyLong |= v;
    }
    if (anyLong < 0) { // the sign bit of any negative long survives the OR
      return false;
    }
    for (double v : doubles) {
      if (!nonNegative(v)) {
        return false;
      }
    }
    return true;
  }

  /** False for NaN (every comparison with NaN is false), negative values and infinity. */
  public static boolean nonNegative(double v) {
    return v >= 0 && v < Double.POSITIVE_INFINITY;
  }

  public long calls() {
    return longs[SLOT[Counter.CALLS.ordinal()]];
  }

  public long rows() {
    return longs[SLOT[Counter.ROWS.ordinal()]];
  }

  public long plans() {
    return longs[SLOT[Counter.PLANS.ordinal()]];
  }

  public long sharedBlksHit() {
    return longs[SLOT[Counter.SHARED_BLKS_HIT.ordinal()]];
  }

  public long sharedBlksRead() {
    return longs[SLOT[Counter.SHARED_BLKS_READ.ordinal()]];
  }

  public long tempBlksWritten() {
    return longs[SLOT[Counter.TEMP_BLKS_WRITTEN.ordinal()]];
  }

  public double execMs() {
    return doubles[SLOT[Counter.EXEC_MS.ordinal()]];
  }

  public double execSumSquaresMs() {
    return doubles[SLOT[Counter.EXEC_SUMSQ_MS.ordinal()]];
  }

  public double planMs() {
    return doubles[SLOT[Counter.PLAN_MS.ordinal()]];
  }

  public double ioReadMs() {
    return doubles[SLOT[Counter.IO_READ_MS.ordinal()]];
  }

  public double jitMs() {
    return doubles[SLOT[Counter.JIT_MS.ordinal()]];
  }

  /** Block read + write + temp IO time. */
  public double ioMs() {
    return doubleValue(Counter.IO_READ_MS) + doubleValue(Counter.IO_WRITE_MS) + doubleValue(Counter.TEMP_IO_MS);
  }

  private static int slot(Counter c, Counter.Kind kind) {
    if (c.kind() != kind) {
      throw new IllegalArgumentException(c + " is a " + c.kind() + " counter, not a " + kind);
    }
    return SLOT[c.ordinal()];
  }

  @Override
  public boolean equals(Object o) {
    // Arrays.equals compares doubles by their bits, as a record's equals does: NaN equals NaN, 0.0 differs from -0.0.
    return o instanceof CounterValues v && Arrays.equals(longs, v.longs) && Arrays.equals(doubles, v.doubles);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(longs) + Arrays.hashCode(doubles);
  }

  @Override
  public String toString() {
    var out = new StringJoiner(", ", "CounterValues[", "]");
    for (Counter c : ALL) {
      // Not one conditional expression: it would print the longs as doubles.
      out.add(c.column() + "=" + (c.kind() == Counter.Kind.LONG ? Long.toString(longValue(c)) : doubleValue(c)));
    }
    return out.toString();
  }

  /** Values set one counter at a time, for readers that go through the description in a loop. */
  public static final class Builder {
    private final long[] longs = new long[LONGS];
    private final double[] doubles = new double[DOUBLES];

    public Builder set(Counter c, long v) {
      longs[slot(c, Counter.Kind.LONG)] = v;
      return this;
    }

    public Builder set(Counter c, double v) {
      doubles[slot(c, Counter.Kind.DOUBLE)] = v;
      return this;
    }

    /** The values set so far; the builder may go on being used. */
    public CounterValues build() {
      return new CounterValues(longs.clone(), doubles.clone());
    }
  }
}

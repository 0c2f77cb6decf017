package dev.earlybird.analysis;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.history.Usage;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import java.time.Instant;
import java.util.OptionalDouble;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuAttributionTest {

  /**
   * An aggregate of 4 intervals, with a pg_stat_kcache figure in {@code cpuIntervals} of them and polled with
   * track_io_timing on for {@code ioTimed} of them.
   */
  private static Usage usage(double execMs, double ioMs, double cpuMs, long cpuIntervals, long ioTimed) {
    return new Usage(4, CounterValues.ZERO.with(Counter.CALLS, 10)
            .with(Counter.EXEC_MS, execMs)
            .with(Counter.IO_READ_MS, ioMs), cpuMs, cpuIntervals, ioTimed);
  }

  @ParameterizedTest(name = "exec {0}, io {1}, kcache {2} in {3}/4 intervals, IO timed in {4}/4: {6} {5}")
  @CsvSource({
    // the whole aggregate measured: kcache, whatever track_io_timing says
    "1000, 300, 420, 4, 4,  420, PG_STAT_KCACHE",
    "1000, 300, 420, 4, 0,  420, PG_STAT_KCACHE",
    // measured and (almost) nothing: a sleeper, known to be 0, not unknown
    "1000,   0,   0, 4, 4,    0, PG_STAT_KCACHE",
    // measured in some intervals only: a partial sum would undercount, so the next layer
    "1000, 300, 420, 3, 4,  700, EXEC_MINUS_IO",
    "1000, 300, 420, 3, 0, 1000, EXEC_TIME",
    // no kcache
    "1000, 300,   0, 0, 4,  700, EXEC_MINUS_IO",
    "1000, 300,   0, 0, 0, 1000, EXEC_TIME",
    // IO timed in some intervals only (the setting changed within the aggregate): execution time, labelled so
    "1000, 300,   0, 0, 3, 1000, EXEC_TIME",
    // IO above execution (rounding between timers): clamped at 0, never negative
    "  10,  30,   0, 0, 4,    0, EXEC_MINUS_IO",
  })
  void choosesTheMostDirectFigureThereIs(
      double execMs, double ioMs, double cpuMs, long cpuIntervals, long ioTimed, double expectedMs,
      CpuSource expectedSource) {
    CpuAttribution.Cpu cpu = CpuAttribution.of(usage(execMs, ioMs, cpuMs, cpuIntervals, ioTimed));
    assertThat(cpu).isEqualTo(new CpuAttribution.Cpu(expectedMs, expectedSource));
  }

  @ParameterizedTest(name = "kcache {0}, track_io_timing {1}: {3}")
  @CsvSource({"25, true, 25, PG_STAT_KCACHE", ", true, 70, EXEC_MINUS_IO", ", false, 100, EXEC_TIME"})
  void anIntervalIsAnAggregateOfOne(Double cpuMs, boolean trackIo, double expectedMs, CpuSource expectedSource) {
    var key = new StatementKey("t", 1, 1, 1, true);
    var interval =
        new StatementInterval(key, Instant.EPOCH, Instant.EPOCH.plusSeconds(60),
                CounterValues.ZERO.with(Counter.CALLS, 2)
                .with(Counter.EXEC_MS, 100)
                .with(Counter.IO_READ_MS, 20)
                .with(Counter.IO_WRITE_MS, 10), cpuMs == null ? OptionalDouble.empty() : OptionalDouble.of(cpuMs));
    assertThat(CpuAttribution.of(interval, trackIo)).isEqualTo(new CpuAttribution.Cpu(expectedMs, expectedSource));
  }
}

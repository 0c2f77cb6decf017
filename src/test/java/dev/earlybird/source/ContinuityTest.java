package dev.earlybird.source;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Counters;
import dev.earlybird.model.KcacheInfo;
import dev.earlybird.model.ServerInfo;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** When two snapshots of a target may be diffed: the same server, and time moving forward. */
class ContinuityTest {
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  static final Instant T1 = T0.plusSeconds(60);
  static final StatementKey A = new StatementKey("pg", 16384, 10, 111, true);
  static final ServerInfo PRIMARY = server("7301000000000000001", T0.minusSeconds(86_400));
  static final ServerInfo OTHER = server("7301000000000000002", T0.minusSeconds(3 * 86_400));
  static final OptionalLong ONE_MINUTE = OptionalLong.of(Duration.ofSeconds(60).toNanos());

  @Test
  void sameServerMovingForwardIsContinuous() {
    Snapshot previous = snap(T0, T0.minusSeconds(7200), 10);
    Snapshot next = snap(T1, T0.minusSeconds(7200), 15);
    assertThat(Continuity.of(PRIMARY, PRIMARY, previous, next, ONE_MINUTE)).isEqualTo(new Continuity.Continuous(next));
  }

  @Test
  void firstSightIsContinuousWhateverTheServer() {
    Snapshot next = snap(T1, null, 15);
    assertThat(Continuity.of(null, OTHER, null, next, OptionalLong.empty())).isInstanceOf(Continuity.Continuous.class);
  }

  @Test
  void anotherSystemIdentifierIsAnotherServerEvenWithHigherCounters() {
    // The failover target has seen more calls: a plain difference would invent 990 calls.
    Snapshot previous = snap(T0, null, 10);
    Snapshot next = snap(T1, null, 1000);
    var result = Continuity.of(PRIMARY, OTHER, previous, next, ONE_MINUTE);
    assertThat(result).isInstanceOfSatisfying(Continuity.NewServer.class,
        n -> assertThat(n.why()).contains("7301000000000000001", "7301000000000000002"));
  }

  @Test
  void aResetDatedBeforeThePreviousReadMeansTheCountersWereKeptElsewhere() {
    // The identifier is unknown (no EXECUTE on pg_control_system(), or the agent restarted): stats_reset tells.
    Snapshot previous = snap(T0, T0.minusSeconds(7200), 10);
    Snapshot next = snap(T1, T0.minusSeconds(5 * 86_400), 1000);
    assertThat(Continuity.of(null, server(null, T0), previous, next, ONE_MINUTE))
        .isInstanceOf(Continuity.NewServer.class);
  }

  @Test
  void aResetAfterThePreviousReadIsAnOrdinaryResetForTheDiff() {
    Snapshot previous = snap(T0, T0.minusSeconds(7200), 10);
    Snapshot next = snap(T1, T0.plusSeconds(30), 2);
    assertThat(Continuity.of(PRIMARY, PRIMARY, previous, next, ONE_MINUTE)).isInstanceOf(Continuity.Continuous.class);
  }

  @Test
  void aRestartOfTheSameServerKeepsItsCountersAndContinues() {
    // pg_stat_statements saves its counters at a clean shutdown: same identifier and stats_reset, new start time.
    Snapshot previous = snap(T0, T0.minusSeconds(7200), 10);
    Snapshot next = snap(T1, T0.minusSeconds(7200), 12);
    ServerInfo restarted = server(PRIMARY.systemIdentifier(), T0.plusSeconds(20));
    assertThat(Continuity.of(PRIMARY, restarted, previous, next, ONE_MINUTE))
        .isInstanceOf(Continuity.Continuous.class);
  }

  @Test
  void aClockStepBackIsTimedByTheAgentsMonotonicClock() {
    Snapshot previous = snap(T0, null, 10);
    Snapshot next = snap(T0.minusSeconds(240), null, 15); // read 60 s later, server clock moved back 5 min
    var result = Continuity.of(PRIMARY, PRIMARY, previous, next, ONE_MINUTE);
    assertThat(result).isInstanceOfSatisfying(Continuity.Retimed.class, r -> {
      assertThat(r.behind()).isEqualTo(Duration.ofSeconds(240));
      assertThat(r.next().takenAt()).isEqualTo(T1);
      assertThat(r.next().entries()).isEqualTo(next.entries());
    });
  }

  @Test
  void aClockStepBackWithoutAMonotonicReferenceStartsAfresh() {
    Snapshot previous = snap(T0, null, 10);
    Snapshot next = snap(T0.minusSeconds(240), null, 15);
    assertThat(Continuity.of(null, PRIMARY, previous, next, OptionalLong.empty()))
        .isEqualTo(new Continuity.Untimed(Duration.ofSeconds(240)));
  }

  @Test
  void retimedSnapshotsDiffWithoutNegativeOrInventedCalls() {
    Snapshot previous = snap(T0, null, 10);
    var retimed = (Continuity.Retimed) Continuity.of(PRIMARY, PRIMARY, previous, snap(T0.minusSeconds(240), null, 15),
        ONE_MINUTE);
    DiffResult diff = StatementDiff.between(previous, retimed.next());
    assertThat(diff.intervals()).singleElement().satisfies(i -> assertThat(i.calls()).isEqualTo(5));
  }

  private static ServerInfo server(String systemIdentifier, Instant startedAt) {
    return new ServerInfo(170004, "17.4", "1.11", true, 5000, "top", KcacheInfo.ABSENT, startedAt, systemIdentifier,
        "earlybird");
  }

  private static Snapshot snap(Instant at, Instant statsReset, long calls) {
    var counters = new Counters(CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, calls * 2.0)
            .with(Counter.ROWS, calls), 2.0, 0, 0, 0, null, OptionalDouble.empty());
    return new Snapshot("pg", at, Optional.ofNullable(statsReset),
        statsReset == null ? OptionalLong.empty() : OptionalLong.of(0), Map.of(A, counters));
  }
}

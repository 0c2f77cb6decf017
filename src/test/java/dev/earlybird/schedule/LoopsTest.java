package dev.earlybird.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LoopsTest {
  private final List<String> events = new CopyOnWriteArrayList<>();

  /** A loop that records its start and stop, and stops as {@code onStop} says. */
  private Loop loop(String name, Function<Duration, Loop.Stopped> onStop) {
    return new Loop() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void start() {
        events.add("start " + name);
      }

      @Override
      public Stopped stop(Duration deadline) {
        events.add("stop " + name + " " + deadline);
        return onStop.apply(deadline);
      }
    };
  }

  private Loop loop(String name) {
    return loop(name, d -> Loop.Stopped.inTime(true));
  }

  @Test
  void loopsStartInTheOrderAddedAndAllStopWithTheOneDeadline() {
    Loops loops = new Loops();
    loops.add(loop("polls"));
    loops.add(loop("analysis"));
    loops.start();
    Loops.Report report = loops.stop(Duration.ofSeconds(1));

    assertThat(events.subList(0, 2)).containsExactly("start polls", "start analysis");
    // Told in reverse start order (analysis before the polls), but each on its own thread: they stop in any order.
    assertThat(events.subList(2, 4)).containsExactlyInAnyOrder("stop analysis PT1S", "stop polls PT1S");
    assertThat(report.problems()).isEmpty();
  }

  @Test
  void everyLoopWaitsForItsWorkAtOnceWithinTheOneDeadline() {
    Duration deadline = Duration.ofSeconds(2);
    CountDownLatch bothStopping = new CountDownLatch(2);
    Function<Duration, Loop.Stopped> waitForTheOther = d -> {
      bothStopping.countDown();
      try { // each ends in time only if the other is stopping at the same time
        return Loop.Stopped.inTime(bothStopping.await(d.toMillis(), TimeUnit.MILLISECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Loop.Stopped.inTime(false);
      }
    };
    Loops loops = new Loops();
    loops.add(loop("CloudWatch", waitForTheOther));
    loops.add(loop("discovery", waitForTheOther));
    loops.start();

    Loops.Report report = loops.stop(deadline);

    assertThat(report.problems()).isEmpty();
    assertThat(events).contains("stop CloudWatch PT2S", "stop discovery PT2S");
  }

  @Test
  void aLoopThatDoesNotStopInTimeIsNamedAndTheOthersStillStop() {
    CountDownLatch never = new CountDownLatch(1);
    Loops loops = new Loops();
    loops.add(loop("polls", d -> new Loop.Stopped(true, List.of("a"), List.of("silent"))));
    loops.add(loop("Performance Insights", d -> Loop.Stopped.inTime(false)));
    loops.add(loop("CloudWatch", d -> { // ignores its deadline: the stop leaves it after a little more
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Loop.Stopped.inTime(true);
    }));
    loops.add(loop("analysis"));
    loops.start();

    long t0 = System.nanoTime();
    Loops.Report report = loops.stop(Duration.ofSeconds(1));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    never.countDown();

    assertThat(report.finished()).containsExactly("a");
    assertThat(report.problems()).containsExactlyInAnyOrder(
        "CloudWatch was still busy after 1s and was left running",
        "Performance Insights was still busy after 1s and was left running",
        "the poll of target silent was interrupted after 1s");
    assertThat(events).contains("stop analysis PT1S", "stop polls PT1S");
    assertThat(took).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(10));
  }

  @Test
  void aLoopAddedLaterStartsAtOnceIfTheLoopsRunAndNeverOnceTheyStop() {
    Loops loops = new Loops();
    assertThat(loops.add(loop("polls"))).isTrue();
    assertThat(events).isEmpty();
    loops.start();
    assertThat(loops.add(loop("CloudWatch"))).isTrue();
    assertThat(events).containsExactly("start polls", "start CloudWatch");

    loops.stop(Duration.ofSeconds(1));
    assertThat(events).contains("stop CloudWatch PT1S", "stop polls PT1S");
    assertThat(loops.add(loop("Performance Insights"))).isFalse();
    assertThat(events).doesNotContain("start Performance Insights");
  }

  @Test
  void aReplacedLoopStopsBeforeItsSuccessorStartsAndTheSuccessorIsStoppedInItsPlace() {
    Loops loops = new Loops();
    Loop old = loop("analysis");
    loops.add(loop("polls"));
    loops.add(old);
    loops.start();
    assertThat(loops.replace(old, loop("analysis'"), Duration.ofSeconds(30))).isTrue();
    loops.stop(Duration.ofSeconds(1));

    assertThat(events.subList(0, 4))
        .containsExactly("start polls", "start analysis", "stop analysis PT30S", "start analysis'");
    assertThat(events.subList(4, events.size())).containsExactlyInAnyOrder("stop analysis' PT1S", "stop polls PT1S");
    assertThat(loops.replace(old, loop("analysis''"), Duration.ofSeconds(30))).isFalse();
  }

  @Test
  void loopsOfAKindAreFoundToAddOnlyWhatIsMissing() {
    Loops loops = new Loops();
    loops.add(new Maintenance(null, null, java.time.InstantSource.system(), Duration.ofMinutes(1)));
    assertThat(loops.has(Maintenance.class)).isTrue();
    assertThat(loops.has(PiLoop.class)).isFalse();
  }
}

package dev.earlybird.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.earlybird.config.PollConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.source.postgres.PgEndpoint;
import dev.earlybird.source.postgres.PgStatStatementsSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Targets added to and removed from a running poll loop (what discovery does). */
class PollLoopTest {
  @TempDir Path dir;
  private JdbcHistoryStore store;
  private HistoryWriter writer;
  private final AgentMetrics metrics = new AgentMetrics("test");
  private final FleetState fleet = new FleetState(List.of());
  private final PollConfig poll = PollConfig.defaults();
  private final PollLoop loop = new PollLoop(List.of(), Duration.ofMillis(100), InstantSource.system());

  @BeforeEach
  void open() {
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"));
    writer = new HistoryWriter(store, 8);
  }

  @AfterEach
  void close() {
    loop.close();
    writer.close();
    store.close();
  }

  /** A poller of a closed port whose connect first runs {@code connecting}. */
  private TargetPoller poller(String name, Runnable connecting) {
    fleet.add(name, FleetState.Origin.STATIC);
    return new TargetPoller(TargetConfig.of(name, "jdbc:postgresql://127.0.0.1:1/postgres"), () -> poll,
        () -> TenantsConfig.DEFAULT, t -> {
          connecting.run();
          return new PgStatStatementsSource(PgEndpoint.of(t.name(), t.url(), null, null));
        }, store, writer, metrics, fleet, InstantSource.system(),
        new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), new Random()));
  }

  @Test
  void aTargetAddedToARunningLoopIsPolledAndARemovedOneNoMore() {
    AtomicInteger polls = new AtomicInteger();
    loop.start();
    loop.add(poller("a", polls::incrementAndGet));
    await().atMost(Duration.ofSeconds(10)).until(() -> polls.get() >= 2);
    assertThat(loop.targets()).containsExactly("a");
    assertThat(loop.remove("a")).isTrue();
    int after = polls.get();
    assertThat(loop.targets()).isEmpty();
    assertThat(loop.remove("a")).isFalse();
    await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> polls.get() == after);
  }

  @Test
  void aClockSteppedBackDoesNotPauseThePolls() {
    var offset = new java.util.concurrent.atomic.AtomicReference<>(Duration.ZERO);
    InstantSource stepped = () -> java.time.Instant.now().plus(offset.get());
    AtomicInteger polls = new AtomicInteger();
    try (PollLoop steppedLoop = new PollLoop(List.of(), Duration.ofMillis(100), stepped)) {
      steppedLoop.add(poller("a", polls::incrementAndGet));
      steppedLoop.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> polls.get() >= 2);
      offset.set(Duration.ofMinutes(-5));
      int before = polls.get();
      await("polls go on after the step").atMost(Duration.ofSeconds(5)).until(() -> polls.get() >= before + 3);
    }
  }

  @Test
  void removeWaitsForThePollInFlight() throws Exception {
    CountDownLatch inPoll = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    loop.add(poller("slow", () -> {
      inPoll.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    loop.start();
    inPoll.await();
    CompletableFuture<Boolean> removed = CompletableFuture.supplyAsync(() -> loop.remove("slow"));
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !removed.isDone());
    release.countDown();
    assertThat(removed.get()).isTrue();
  }

  @Test
  void aStopWaitsForThePollInFlightAndReportsItFinished() throws Exception {
    CountDownLatch inPoll = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    loop.add(poller("slow", () -> {
      inPoll.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    loop.add(poller("idle", () -> {}));
    loop.start();
    inPoll.await();
    CompletableFuture<Loop.Stopped> stopped = CompletableFuture.supplyAsync(() -> loop.stop(Duration.ofSeconds(10)));
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !stopped.isDone());
    release.countDown();
    Loop.Stopped s = stopped.get(5, java.util.concurrent.TimeUnit.SECONDS);
    // "idle" polls a closed port every 100 ms: on a loaded machine the stop may catch one of its polls in flight too.
    assertThat(s.finished()).contains("slow").isSubsetOf("slow", "idle");
    assertThat(s.interrupted()).isEmpty();
  }

  @Test
  void aPollStillRunningAfterTheGraceIsInterruptedSoTheStopEnds() throws Exception {
    CountDownLatch inPoll = new CountDownLatch(1);
    AtomicInteger interrupts = new AtomicInteger();
    loop.add(poller("stuck", () -> {
      inPoll.countDown();
      try {
        new CountDownLatch(1).await(); // like a read from a server that never answers
      } catch (InterruptedException e) {
        interrupts.incrementAndGet();
        Thread.currentThread().interrupt();
      }
    }));
    loop.start();
    inPoll.await();
    long t0 = System.nanoTime();
    Loop.Stopped s = loop.stop(Duration.ofMillis(300));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(s.interrupted()).containsExactly("stuck");
    assertThat(s.finished()).isEmpty();
    assertThat(interrupts).hasValue(1);
    assertThat(took).isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));
  }

  @Test
  void aNameIsPolledOnce() {
    loop.add(poller("a", () -> {}));
    assertThatThrownBy(() -> loop.add(poller("a", () -> {}))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRemovedTargetsLastPollDoesNotBringItBack() {
    fleet.add("gone", FleetState.Origin.STATIC);
    fleet.remove("gone");
    fleet.update("gone", s -> s);
    assertThat(fleet.get("gone")).isEmpty();
  }
}

package dev.earlybird.schedule;

import dev.earlybird.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs each target's poller on its own virtual thread at a fixed rate. A slow or dead target only delays
 * itself; a poll that overruns its slot makes the missed ticks skipped (counted), never queued, so there is
 * never more than one poll in flight per target. Start times are spread over the first interval so a fleet
 * is not polled in one burst.
 *
 * <p>Targets come and go while it runs (discovery): {@link #add} starts a poller, {@link #remove} stops one after
 * its poll in flight, if any, has finished; {@link #interval(Duration)} changes the rate.
 */
public final class PollLoop implements Loop {
  private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
  /** How long an interrupted poll gets to unwind (close its socket, log) before a stop moves on. */
  private static final Duration INTERRUPTED_EXIT = Duration.ofSeconds(2);

  /** Read at each tick, so a config reload changes it for the pollers already running. */
  private volatile Duration interval;
  private final InstantSource clock;
  /** By target name, in the order added. Guarded by {@code this}. */
  private final Map<String, Worker> workers = new LinkedHashMap<>();
  private volatile boolean running;
  private boolean closed;

  /** One target's poller and the thread that runs it (null until the loop starts). */
  private static final class Worker {
    final TargetPoller poller;
    volatile boolean stopped;
    /** A poll is running (not waiting for its next tick): what a stop waits for. */
    volatile boolean polling;
    Thread thread;
    /** The clock's latest reading on this worker's thread, to notice it stepping back. */
    Instant seen;

    Worker(TargetPoller poller) {
      this.poller = poller;
    }
  }

  public PollLoop(List<TargetPoller> pollers, Duration interval, InstantSource clock) {
    this.interval = interval;
    this.clock = clock;
    pollers.forEach(p -> workers.put(p.targetName(), new Worker(p)));
  }

  @Override
  public String name() {
    return "polls";
  }

  @Override
  public synchronized void start() {
    running = true;
    workers.values().forEach(this::startThread);
  }

  /**
   * Polls one more target: at once if the loop runs (after a spread offset), else from {@link #start}.
   *
   * @throws IllegalArgumentException if a target of that name is polled already
   */
  public synchronized void add(TargetPoller poller) {
    if (closed) {
      throw new IllegalStateException("the poll loop is closed");
    }
    if (workers.containsKey(poller.targetName())) {
      throw new IllegalArgumentException("target " + poller.targetName() + " is polled already");
    }
    Worker w = new Worker(poller);
    workers.put(poller.targetName(), w);
    if (running) {
      startThread(w);
    }
  }

  /**
   * Stops polling {@code target}: no new poll starts, a poll in flight finishes (bounded by its statement
   * timeout), then its connection is closed. Returns whether it stopped in time; false also when there is no such
   * target.
   */
  public boolean remove(String target) {
    Worker w;
    synchronized (this) {
      w = workers.remove(target);
    }
    if (w == null) {
      return false;
    }
    w.stopped = true;
    if (w.thread == null) {
      w.poller.close();
      return true;
    }
    LockSupport.unpark(w.thread);
    return join(w.thread);
  }

  /** Polls every target at this rate from its next tick on (a config reload changed {@code poll.interval}). */
  public void interval(Duration newInterval) {
    interval = newInterval;
  }

  /** Names of the targets polled, in the order added. */
  public synchronized List<String> targets() {
    return List.copyOf(workers.keySet());
  }

  private void startThread(Worker w) {
    long spreadMs = Math.min(interval.toMillis() / 10, 5_000);
    long offset = spreadMs == 0 ? 0 : ThreadLocalRandom.current().nextLong(spreadMs);
    w.thread = Thread.ofVirtual().name("poll-" + w.poller.targetName()).start(() -> loop(w, offset));
  }

  private void loop(Worker w, long offsetMs) {
    TargetPoller poller = w.poller;
    // Every line this thread logs carries the target, a field of its own in JSON logs (filter by target).
    MDC.put("target", poller.targetName());
    w.seen = clock.instant();
    Instant next = w.seen.plusMillis(offsetMs);
    while (running && !w.stopped) {
      next = waitUntil(next, w);
      if (!running || w.stopped) {
        break;
      }
      w.polling = true;
      try {
        poller.pollOnce();
      } finally {
        w.polling = false;
      }
      next = next.plus(interval);
      Instant now = clock.instant();
      if (now.isBefore(w.seen)) {
        next = next.minus(Duration.between(now, w.seen)); // stepped back during the poll
      }
      w.seen = now;
      while (!next.isAfter(now)) {
        next = next.plus(interval);
        log.debug("target {}: poll overran its interval, skipping a tick", poller.targetName());
        poller.skipped();
      }
    }
    poller.close();
  }

  /**
   * Waits until {@code when} and returns the tick it waited for: {@code when}, moved back as far as the wall clock
   * stepped back meanwhile (NTP, a resumed VM), so that polls do not pause for as long as the step.
   */
  private Instant waitUntil(Instant when, Worker w) {
    while (running && !w.stopped) {
      Instant now = clock.instant();
      if (now.isBefore(w.seen)) {
        Duration back = Duration.between(now, w.seen);
        log.warn("target {}: the agent's clock stepped back by {}; polls keep their pace", w.poller.targetName(),
            Durations.format(back));
        when = when.minus(back);
      }
      w.seen = now;
      long nanos = Duration.between(now, when).toNanos();
      if (nanos <= 0) {
        return when;
      }
      LockSupport.parkNanos(Math.min(nanos, 200_000_000L));
    }
    return when;
  }

  private boolean join(Thread t) {
    try {
      if (!t.join(interval.plusSeconds(5))) {
        log.warn("{} did not stop in time", t.getName());
        return false;
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Stops scheduling at once and waits, up to {@code grace} in all, for the polls in flight to finish and store
   * their results. A poll still running then is interrupted: a virtual thread's socket I/O is interruptible, so a
   * poll stuck connecting or reading ends at once. That loses nothing: the counters are cumulative and the
   * interrupted poll's snapshot was not stored, so the next run diffs from the last stored one. Always in time:
   * what was late is listed as interrupted instead.
   */
  @Override
  public Stopped stop(Duration grace) {
    Map<String, Worker> live = new LinkedHashMap<>();
    synchronized (this) {
      running = false;
      closed = true;
      workers.forEach((name, w) -> {
        if (w.thread != null) {
          live.put(name, w);
        }
      });
    }
    List<String> inFlight = new ArrayList<>();
    live.forEach((name, w) -> {
      if (w.polling) {
        inFlight.add(name);
      }
      LockSupport.unpark(w.thread);
    });
    long deadline = System.nanoTime() + grace.toNanos();
    List<String> late = new ArrayList<>();
    live.forEach((name, w) -> {
      if (!joinUntil(w.thread, deadline)) {
        late.add(name);
      }
    });
    for (String name : late) {
      log.warn("target {}: its poll was still running {} after the stop began; interrupting it (nothing is lost: "
          + "the next run reads the counters again)", name, Durations.format(grace));
      live.get(name).thread.interrupt();
    }
    long interruptDeadline = System.nanoTime() + INTERRUPTED_EXIT.toNanos();
    for (String name : late) {
      if (!joinUntil(live.get(name).thread, interruptDeadline)) {
        log.warn("target {}: the interrupted poll has not ended yet; leaving it", name);
      }
    }
    List<String> finished = inFlight.stream().filter(n -> !late.contains(n)).toList();
    return new Stopped(true, finished, late);
  }

  /** Joins {@code t} until {@code deadlineNanos} ({@link System#nanoTime()}); false if it still runs. */
  private static boolean joinUntil(Thread t, long deadlineNanos) {
    try {
      long left = deadlineNanos - System.nanoTime();
      return t.join(Duration.ofNanos(Math.max(left, 1)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !t.isAlive();
    }
  }
}

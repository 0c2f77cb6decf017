package dev.earlybird.schedule;

import dev.earlybird.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The loops the agent runs, in the order they start; a loop a config does not need is simply not here. Stops them
 * all at once, in reverse start order, with one deadline for all: what started last (analysis after the polls) is
 * told first. A config reload may add a loop or replace one while they run; once stopping, neither happens.
 */
public final class Loops {
  /** How long past the deadline a stop waits for a loop to return (interrupted polls unwinding) before leaving it. */
  private static final Duration UNWIND = Duration.ofSeconds(3);

  /** Guarded by {@code this}. */
  private final List<Loop> loops = new ArrayList<>();
  private boolean started;
  private boolean stopping;

  /**
   * What a stop did: the polls in flight that finished, and one line per loop or poll that did not stop in time.
   */
  public record Report(List<String> finished, List<String> problems) {
    public Report {
      finished = List.copyOf(finished);
      problems = List.copyOf(problems);
    }
  }

  /** Adds a loop, started at once if the others run; false, and not started, once stopping. */
  public synchronized boolean add(Loop loop) {
    if (stopping) {
      return false;
    }
    loops.add(loop);
    if (started) {
      loop.start();
    }
    return true;
  }

  /** Whether a loop of that kind is here. */
  public synchronized boolean has(Class<? extends Loop> kind) {
    return loops.stream().anyMatch(kind::isInstance);
  }

  /** Starts every loop, in the order added. */
  public synchronized void start() {
    started = true;
    loops.forEach(Loop::start);
  }

  /**
   * Puts {@code next} in place of {@code old}: {@code old} stops first (up to {@code wait}), so the two never run at
   * once; {@code next} starts if the loops run. False, and nothing done, once stopping.
   */
  public synchronized boolean replace(Loop old, Loop next, Duration wait) {
    int at = loops.indexOf(old);
    if (stopping || at < 0) {
      return false;
    }
    old.stop(wait);
    loops.set(at, next);
    if (started) {
      next.start();
    }
    return true;
  }

  /**
   * Tells every loop to stop, all at once (last started first), and waits for them together (not one after the
   * other): each gets {@code deadline} for its work in flight, and a little more to return.
   */
  public Report stop(Duration deadline) {
    List<Loop> stopped;
    synchronized (this) { // after a replace in progress, so its new loop is stopped too
      stopping = true;
      stopped = new ArrayList<>(loops.reversed());
    }
    record Stopping(Loop loop, Thread thread, AtomicReference<Loop.Stopped> result) {}
    List<Stopping> all = new ArrayList<>();
    for (Loop loop : stopped) {
      var result = new AtomicReference<>(Loop.Stopped.inTime(true)); // a stop that threw has nothing to wait for
      all.add(new Stopping(loop, Thread.ofVirtual().name("stop " + loop.name())
          .start(() -> result.set(loop.stop(deadline))), result));
    }
    long until = System.nanoTime() + deadline.plus(UNWIND).toNanos();
    List<String> finished = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Stopping s : all) {
      Loop.Stopped what = join(s.thread(), until) ? s.result().get() : Loop.Stopped.inTime(false);
      if (!what.inTime()) {
        problems.add(s.loop().name() + " was still busy after " + Durations.format(deadline) + " and was left running");
      }
      finished.addAll(what.finished());
      what.interrupted().forEach(t ->
          problems.add("the poll of target " + t + " was interrupted after " + Durations.format(deadline)));
    }
    return new Report(finished, problems);
  }

  private static boolean join(Thread thread, long untilNanos) {
    try {
      return thread.join(Duration.ofNanos(Math.max(1, untilNanos - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

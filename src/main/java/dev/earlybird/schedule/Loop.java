package dev.earlybird.schedule;

import java.time.Duration;
import java.util.List;

/**
 * One of the agent's loops (polls, analysis, store maintenance, discovery, Performance Insights, CloudWatch): started
 * once, and stopped once with a deadline for the work it has in flight. {@link Loops} runs them together.
 */
public interface Loop extends AutoCloseable {
  /** How the stop's log line names it when it did not stop in time. */
  String name();

  void start();

  /**
   * Stops scheduling at once and waits up to {@code deadline} for the work in flight; a loop never started stops at
   * once. Returns soon after the deadline at the latest (the poll loop: after interrupted polls unwound, ~2 s).
   */
  Stopped stop(Duration deadline);

  /** Stops with a deadline of 30 s, for a caller that has no deadline of its own (tests, try-with-resources). */
  @Override
  default void close() {
    stop(Duration.ofSeconds(30));
  }

  /**
   * What a stop did with the work in flight. Only the poll loop has polls; the others report only {@code inTime}.
   *
   * @param inTime the work in flight ended within the deadline; false: it was left running
   * @param finished targets whose poll was running when the stop began and finished in time
   * @param interrupted targets whose poll was still running at the deadline and was interrupted
   */
  record Stopped(boolean inTime, List<String> finished, List<String> interrupted) {
    public Stopped {
      finished = List.copyOf(finished);
      interrupted = List.copyOf(interrupted);
    }

    /** A loop without polls: whether it stopped in time. */
    public static Stopped inTime(boolean inTime) {
      return new Stopped(inTime, List.of(), List.of());
    }

    /**
     * Wakes a loop's own thread (told to stop already) and waits up to {@code deadline} for the round in flight; a
     * loop never started ({@code thread} null) has stopped.
     */
    static Stopped joining(Thread thread, Duration deadline) {
      if (thread == null) {
        return inTime(true);
      }
      java.util.concurrent.locks.LockSupport.unpark(thread);
      try {
        return inTime(thread.join(deadline));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return inTime(false);
      }
    }
  }
}

package dev.earlybird.cli;

/** A report or baseline command cannot go on; the message says what to do, the exit code what kind it is. */
public final class ReportFailure extends Exception {
  /** Bad options, bad config, or a request the store or agent refuses (a taken name, an unknown baseline). */
  public static final int USAGE = 2;
  /** The history could not be read or written (store and agent unreachable, a store error). */
  public static final int RUNTIME = 1;

  private final int exitCode;

  public ReportFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}

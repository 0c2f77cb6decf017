package dev.earlybird.history;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A named window a DBA keeps to compare against later (before a migration, an upgrade). Its per-statement sums
 * were copied when it was pinned, so it outlives the retention of the rollups it came from.
 *
 * @param target the one target it covers, or empty for every target
 * @param statements how many (target, database, queryId) it holds
 */
public record PinnedBaseline(
    String name, Optional<String> target, Instant from, Instant to, Instant created, long statements) {
  /** Names appear in URLs and shell commands: letters, digits, '.', '_', '-'. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public PinnedBaseline {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(created, "created");
  }

  /**
   * Checks what a user asks to pin before any work is done; the messages say what is expected.
   *
   * @throws BaselineException (INVALID) naming what is wrong
   */
  public static void validate(String name, Instant from, Instant to, Instant now) {
    // "." and ".." match the pattern but cannot be addressed in a URL path.
    if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new BaselineException(BaselineException.Reason.INVALID,
          "baseline name '" + name + "' is not valid; expected 1 to 64 letters, digits, '.', '_' or '-', "
              + "like before-pg17-upgrade");
    }
    if (!from.isBefore(to)) {
      throw new BaselineException(BaselineException.Reason.INVALID,
          "the window to pin ends (" + to + ") before it starts (" + from + ")");
    }
    if (to.isAfter(now)) {
      throw new BaselineException(BaselineException.Reason.INVALID,
          "the window to pin must be in the past: it ends at " + to + ", now is " + now
              + "; pin it once it is over (a baseline is a copy of what was recorded)");
    }
  }
}

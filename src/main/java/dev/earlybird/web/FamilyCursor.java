package dev.earlybird.web;

import dev.earlybird.history.FamilyReads;
import java.time.Instant;
import java.util.List;

/**
 * Where the next page of families starts, opaque to clients: the window it belongs to (so "the last 24 hours"
 * pages through one window, not a moving one) and the last family shown, in the order (CPU desc, family). Encoded
 * by the lists' one codec, {@link Cursors}.
 */
record FamilyCursor(Instant from, Instant to, FamilyReads.After after) {
  private static final String LIST = "families";

  String encode() {
    return Cursors.encode(LIST, false,
        List.of(from.toString(), to.toString(), Long.toString(after.cpuUs()), after.family()));
  }

  /** A 400 naming {@code cursor} when it is not one {@link #encode} made. */
  static FamilyCursor decode(String value) {
    List<String> p = Cursors.decode(value, LIST, 4).key();
    try {
      Instant from = Instant.parse(p.get(0));
      Instant to = Instant.parse(p.get(1));
      long cpuUs = Long.parseLong(p.get(2));
      if (!from.isBefore(to) || cpuUs < 0 || p.get(3).isEmpty()) {
        throw new IllegalArgumentException("wrong values");
      }
      return new FamilyCursor(from, to, new FamilyReads.After(cpuUs, p.get(3)));
    } catch (RuntimeException e) {
      throw Cursors.invalid();
    }
  }
}

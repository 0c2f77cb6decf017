package dev.earlybird.web;

import dev.earlybird.history.FamilyReads;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where the next page of families starts, opaque to clients: the window it belongs to (so "the last 24 hours"
 * pages through one window, not a moving one) and the last family shown, in the order (CPU desc, family).
 */
record FamilyCursor(Instant from, Instant to, FamilyReads.After after) {
  private static final String VERSION = "f1";

  String encode() {
    String plain = String.join("\n", VERSION, Long.toString(from.getEpochSecond()), Integer.toString(from.getNano()),
        Long.toString(to.getEpochSecond()), Integer.toString(to.getNano()), Long.toString(after.cpuUs()),
        after.family());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** A 400 naming {@code cursor} when it is not one {@link #encode} made. */
  static FamilyCursor decode(String value) {
    try {
      String[] p = new String(Base64.getUrlDecoder().decode(value.strip()), StandardCharsets.UTF_8).split("\n", -1);
      if (p.length != 7 || !p[0].equals(VERSION) || p[6].isEmpty()) {
        throw new IllegalArgumentException("wrong shape");
      }
      Instant from = Instant.ofEpochSecond(Long.parseLong(p[1]), Integer.parseInt(p[2]));
      Instant to = Instant.ofEpochSecond(Long.parseLong(p[3]), Integer.parseInt(p[4]));
      long cpuUs = Long.parseLong(p[5]);
      if (!from.isBefore(to) || cpuUs < 0) {
        throw new IllegalArgumentException("wrong values");
      }
      return new FamilyCursor(from, to, new FamilyReads.After(cpuUs, p[6]));
    } catch (RuntimeException e) {
      throw new BadRequest("'cursor' is not a cursor this agent gave out (copy nextCursor as it is, or leave it out to"
          + " start at the first page)");
    }
  }
}

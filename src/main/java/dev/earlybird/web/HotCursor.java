package dev.earlybird.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a page of the hot list starts, opaque to clients: the window (so "the last 24 hours" pages through one window,
 * not a moving one), the sort, and how many rows came before.
 */
record HotCursor(Instant from, Instant to, HotOrder order, int offset) {
  private static final String VERSION = "h1";

  String encode() {
    String plain = String.join("\n", VERSION, from.toString(), to.toString(), order.column().param, order.order(),
        Integer.toString(offset));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** A 400 naming {@code cursor} when it is not one {@link #encode} made. */
  static HotCursor decode(String value) {
    try {
      String[] p = new String(Base64.getUrlDecoder().decode(value.strip()), StandardCharsets.UTF_8).split("\n", -1);
      if (p.length != 6 || !p[0].equals(VERSION)) {
        throw new IllegalArgumentException("wrong shape");
      }
      Instant from = Instant.parse(p[1]);
      Instant to = Instant.parse(p[2]);
      int offset = Integer.parseInt(p[5]);
      if (!from.isBefore(to) || offset < 0) {
        throw new IllegalArgumentException("wrong values");
      }
      return new HotCursor(from, to, HotOrder.parse(p[3], p[4]), offset);
    } catch (RuntimeException e) {
      throw new BadRequest("'cursor' is not a cursor this agent gave out (copy nextCursor as it is, or leave it out to"
          + " start at the first page)");
    }
  }
}

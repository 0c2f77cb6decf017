package dev.earlybird.web;

import dev.earlybird.history.Keyset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The opaque {@code cursor} of a list paged by key ({@link Keyset}): which list it belongs to (so a cursor of
 * resolved alerts cannot page the firing ones) and the key of the row it starts after, or before going back.
 */
record KeysetCursor(String list, Keyset key) {
  private static final String VERSION = "k1";

  String encode() {
    String plain = String.join("\n", VERSION, list, Long.toString(key.us()), key.back() ? "b" : "a", key.id());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** The key of {@code value} when given; a 400 naming {@code param} when it is not one {@link #encode} made for list. */
  static Optional<Keyset> decode(String param, String value, String list) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      String[] p = new String(Base64.getUrlDecoder().decode(value.strip()), StandardCharsets.UTF_8).split("\n", 5);
      if (p.length != 5 || !p[0].equals(VERSION) || !p[3].matches("[ab]")) {
        throw new IllegalArgumentException("wrong shape");
      }
      if (!p[1].equals(list)) {
        throw new BadRequest("'" + param + "' belongs to another list (" + p[1] + ", not " + list + "): page with the"
            + " cursors this list gave out, or leave it out to start at the first page");
      }
      return Optional.of(new Keyset(Long.parseLong(p[2]), p[4], p[3].equals("b")));
    } catch (IllegalArgumentException e) {
      throw new BadRequest("'" + param + "' is not a cursor this agent gave out (copy nextCursor or prevCursor as it"
          + " is, or leave it out to start at the first page)");
    }
  }

  /**
   * One page of a list and the cursors next to it.
   *
   * @param next null on the last page
   * @param prev null on the first page
   */
  record Page<T>(List<T> rows, String next, String prev) {}

  /**
   * Turns {@code read} (up to {@code limit + 1} rows from {@code from}, one more than shown to tell whether the
   * list goes on) into a page with its cursors; {@code key} gives a row's key.
   */
  static <T> Page<T> page(String list, Optional<Keyset> from, int limit, List<T> read, Function<T, Keyset> key) {
    boolean back = from.map(Keyset::back).orElse(false);
    boolean more = read.size() > limit;
    List<T> rows = !more ? read : back ? read.subList(1, read.size()) : read.subList(0, limit);
    if (rows.isEmpty()) {
      return new Page<>(rows, null, null);
    }
    boolean hasNext = back || more;
    boolean hasPrev = back ? more : from.isPresent();
    return new Page<>(rows,
        hasNext ? new KeysetCursor(list, withBack(key.apply(rows.getLast()), false)).encode() : null,
        hasPrev ? new KeysetCursor(list, withBack(key.apply(rows.getFirst()), true)).encode() : null);
  }

  private static Keyset withBack(Keyset k, boolean back) {
    return new Keyset(k.us(), k.id(), back);
  }
}

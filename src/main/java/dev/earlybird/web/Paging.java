package dev.earlybird.web;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a list request pages: {@code limit} rows (default 100, at most 1,000) starting after, or before, the row a
 * cursor points at. Keyset paging on each list's own order plus a unique tie-breaker, so rows inserted while a
 * client pages show up or not but never shift a page: nothing is repeated or skipped. Without a cursor a request
 * reads the first page, as the lists did before they paged.
 *
 * @param key where the page starts, empty for the first page
 * @param before the page ends just before {@code key} (the previous page), else it starts just after it
 */
record Paging<K>(String list, Codec<K> codec, int limit, Optional<K> key, boolean before) {
  /**
   * A list's sort key to and from a cursor's {@code size} fields; {@code read} may throw on fields it cannot parse.
   */
  record Codec<K>(int size, Function<K, List<String>> write, Function<List<String>, K> read) {}

  /** One page and where its neighbours start, each null when there is none. */
  record Page<T>(List<T> rows, String nextCursor, String prevCursor) {}

  /** @throws BadRequest for a bad {@code limit} or {@code cursor}, naming it */
  static <K> Paging<K> of(Context ctx, String list, Codec<K> codec) {
    return of(ctx, list, codec, 100);
  }

  /** @param defaultLimit the page size when the request gives no {@code limit} */
  static <K> Paging<K> of(Context ctx, String list, Codec<K> codec, int defaultLimit) {
    String given = ctx.queryParam("limit");
    int limit = given == null || given.isBlank() ? defaultLimit : Api.limit(given);
    Optional<String> cursor = FindingsApi.param(ctx, "cursor");
    if (cursor.isEmpty()) {
      return new Paging<>(list, codec, limit, Optional.empty(), false);
    }
    Cursors.Decoded d = Cursors.decode(cursor.get(), list, codec.size());
    K key;
    try {
      key = codec.read().apply(d.key());
    } catch (RuntimeException e) {
      throw Cursors.invalid();
    }
    return new Paging<>(list, codec, limit, Optional.of(key), d.before());
  }

  /** Rows to read: one more than the page, to know whether another page follows. */
  int fetch() {
    return limit + 1;
  }

  /**
   * The page from rows read in the list's order starting at the cursor ({@link #fetch} of them, or fewer at the
   * end); for a backward read they are the rows just before the cursor, in the list's order.
   */
  <T> Page<T> page(List<T> read, Function<T, K> keyOf) {
    boolean more = read.size() > limit;
    List<T> rows = !more ? read : before ? read.subList(read.size() - limit, read.size()) : read.subList(0, limit);
    if (rows.isEmpty()) {
      return new Page<>(rows, null, null);
    }
    String after = cursor(false, keyOf.apply(rows.getLast()));
    String back = cursor(true, keyOf.apply(rows.getFirst()));
    return before
        ? new Page<>(rows, after, more ? back : null)
        : new Page<>(rows, more ? after : null, key.isPresent() ? back : null);
  }

  /** The page of a list held in memory whole, sorted by {@code order} on its keys (unique per row). */
  <T> Page<T> slice(List<T> all, Function<T, K> keyOf, Comparator<K> order) {
    List<T> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparing(keyOf, order));
    List<T> read;
    if (key.isEmpty()) {
      read = sorted.subList(0, Math.min(sorted.size(), fetch()));
    } else if (before) {
      List<T> head = sorted.stream().filter(t -> order.compare(keyOf.apply(t), key.get()) < 0).toList();
      read = head.subList(Math.max(0, head.size() - fetch()), head.size());
    } else {
      read = sorted.stream().filter(t -> order.compare(keyOf.apply(t), key.get()) > 0).limit(fetch()).toList();
    }
    return page(read, keyOf);
  }

  private String cursor(boolean back, K at) {
    return Cursors.encode(list, back, codec.write().apply(at));
  }
}

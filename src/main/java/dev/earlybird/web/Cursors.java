package dev.earlybird.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The one codec of the list endpoints' cursors: which list it belongs to, which way it goes and the sort key of
 * the row it starts from, as a JSON array in base64url. Opaque to clients; a cursor of another list, edited or cut
 * is a 400 that says what to do.
 */
final class Cursors {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A decoded cursor: start after the row with {@code key}, or before it ({@code before}). */
  record Decoded(boolean before, List<String> key) {}

  private Cursors() {}

  static String encode(String list, boolean before, List<String> key) {
    List<String> all = new ArrayList<>();
    all.add(list);
    all.add(before ? "b" : "a");
    all.addAll(key);
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(all));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a cursor", e);
    }
  }

  /** @throws BadRequest naming {@code cursor} when it is not one {@link #encode} made for {@code list} */
  static Decoded decode(String value, String list, int keySize) {
    try {
      String[] all = JSON.readValue(
          new String(Base64.getUrlDecoder().decode(value.strip()), StandardCharsets.UTF_8), String[].class);
      if (all.length != keySize + 2 || !list.equals(all[0]) || !(all[1].equals("a") || all[1].equals("b"))) {
        throw new IllegalArgumentException("wrong shape");
      }
      for (String field : all) {
        if (field == null) {
          throw new IllegalArgumentException("missing field");
        }
      }
      return new Decoded(all[1].equals("b"), List.of(all).subList(2, all.length));
    } catch (Exception e) {
      throw invalid();
    }
  }

  static BadRequest invalid() {
    return new BadRequest("'cursor' is not a cursor this agent gave out for this list (copy nextCursor or "
        + "prevCursor as it is, or leave it out to start at the first page)");
  }
}

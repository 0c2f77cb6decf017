package dev.earlybird.web;

import io.javalin.http.Context;
import java.util.Map;

/**
 * What a page with forms says above them: the confirmation of a write it was sent back with, or why a write was
 * refused; and whether writes are on at all (a {@code web.token} is set).
 *
 * @param message null when there is nothing to confirm
 * @param error null when nothing was refused
 */
public record Notice(String message, String error, boolean writesOn) {
  /**
   * The confirmation of {@code ?done=WORD&name=NAME}: a sentence of the page's own, {@code sentences} by word with a
   * {@code %s} for the name; an unknown word says nothing.
   */
  static Notice of(Context ctx, Map<String, String> sentences, boolean writesOn) {
    String sentence = sentences.get(String.valueOf(ctx.queryParam("done")));
    String name = ctx.queryParam("name");
    return new Notice(sentence == null || name == null ? null : sentence.formatted(name), null, writesOn);
  }

  static Notice refused(String error, boolean writesOn) {
    return new Notice(null, error, writesOn);
  }
}

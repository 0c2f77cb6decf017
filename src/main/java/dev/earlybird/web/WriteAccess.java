package dev.earlybird.web;

import dev.earlybird.config.Secret;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Who may use a write action (pin or delete a baseline, create or expire a silence, reload the config): whoever
 * sends {@code Authorization: Bearer <web.token>}, or a page's form with the token in its {@code token} field. Without
 * a configured token every write is refused (403), so an agent listening on a shared network cannot be changed by
 * whoever reaches it; a missing or wrong token is 401.
 */
record WriteAccess(Optional<Secret> token) {
  static final String NO_TOKEN = "set web.token to enable write actions";
  /** The form field that carries the token; a password field, so it is never shown, kept in a URL or echoed back. */
  static final String FIELD = "token";

  boolean enabled() {
    return token.isPresent();
  }

  /**
   * Compares SHA-256 digests in constant time: {@link MessageDigest#isEqual} alone returns early when the lengths
   * differ, so the time of a refusal would tell the token's length; of digests it says nothing about the guess.
   */
  void require(Context ctx) {
    String header = ctx.header("Authorization");
    boolean form = (header == null || header.isBlank()) && FormWrites.isForm(ctx);
    if (form) {
      FormWrites.requireSameOrigin(ctx);
    }
    if (token.isEmpty()) {
      throw new ApiError(403, form ? FormWrites.WRITES_OFF : NO_TOKEN);
    }
    if (form) {
      String given = ctx.formParam(FIELD);
      if (given == null || given.isBlank()) {
        throw new ApiError(401, "enter the agent's web.token in the Token field");
      }
      if (!MessageDigest.isEqual(sha256(given.strip()), sha256(token.get().reveal()))) {
        throw new ApiError(401, "wrong token: enter the agent's web.token in the Token field");
      }
      return;
    }
    if (header == null || header.isBlank()) {
      throw new ApiError(401, "this action needs the header 'Authorization: Bearer TOKEN' with the agent's web.token");
    }
    if (!MessageDigest.isEqual(sha256(header.strip()), sha256("Bearer " + token.get().reveal()))) {
      throw new ApiError(401, "wrong token: send 'Authorization: Bearer TOKEN' with the agent's web.token");
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}

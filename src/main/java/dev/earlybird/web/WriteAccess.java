package dev.earlybird.web;

import dev.earlybird.config.Secret;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who may use a write action (pin or delete a baseline, reload the config): whoever sends {@code Authorization:
 * Bearer <web.token>}. Without a configured token every write is refused (403), so an agent listening on a shared
 * network cannot be changed by whoever reaches it; a missing or wrong token is 401.
 */
record WriteAccess(Optional<Secret> token) {
  static final String NO_TOKEN = "set web.token to enable write actions";

  /** Constant-time comparison, so the time of a refusal says nothing about how much of a guess was right. */
  void require(Context ctx) {
    if (token.isEmpty()) {
      throw new ApiError(403, NO_TOKEN);
    }
    String given = ctx.header("Authorization");
    if (given == null || given.isBlank()) {
      throw new ApiError(401, "this action needs the header 'Authorization: Bearer TOKEN' with the agent's web.token");
    }
    byte[] expected = ("Bearer " + token.get().reveal()).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given.strip().getBytes(StandardCharsets.UTF_8), expected)) {
      throw new ApiError(401, "wrong token: send 'Authorization: Bearer TOKEN' with the agent's web.token");
    }
  }
}

package dev.earlybird.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Binds {@code web:}. An empty token (e.g. {@code ${env:EARLYBIRD_WEB_TOKEN:-}} unset) means no token. */
final class WebBinder {
  static final List<String> KEYS = List.of("token", "externalUrl", "basePath");

  private WebBinder() {}

  static WebConfig bind(Optional<MapNode> section) {
    if (section.isEmpty()) {
      return WebConfig.DEFAULT;
    }
    Optional<Secret> token = section.get().<Optional<Secret>>optional("token", WebBinder::token).flatMap(t -> t);
    Optional<URI> externalUrl = section.get().optional("externalUrl", Values::httpUrl);
    String basePath = section.get().value("basePath", WebConfig::basePath, "");
    return new WebConfig(token, externalUrl, basePath);
  }

  /** Never quotes the value: it is a secret. */
  private static Optional<Secret> token(String text) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new IllegalArgumentException("the token contains spaces or control characters; expected a single word "
          + "(it is sent as 'Authorization: Bearer TOKEN')");
    }
    if (text.length() < WebConfig.MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException("the token is shorter than " + WebConfig.MIN_TOKEN_LENGTH + " characters; "
          + "expected a long random token, e.g. from: openssl rand -hex 32");
    }
    return Optional.of(new Secret(text));
  }
}

package dev.earlybird.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The web UI and API's own settings.
 *
 * @param token the bearer token that write actions (pinning and deleting baselines) need; without one they
 *     are refused, so an agent listening on a shared network cannot be changed by whoever reaches it
 * @param externalUrl where people reach the UI (behind a proxy, say): the base of links in alerts and digests;
 *     empty: the listen address
 * @param basePath the path prefix of every route, link and asset, for a reverse proxy that forwards e.g.
 *     {@code /earlybird/...} unchanged; "" (the default) serves at the root. Starts with '/', never ends with one.
 */
public record WebConfig(Optional<Secret> token, Optional<URI> externalUrl, String basePath) {
  public static final WebConfig DEFAULT = new WebConfig(Optional.empty(), Optional.empty());

  public WebConfig(Optional<Secret> token) {
    this(token, Optional.empty());
  }

  public WebConfig(Optional<Secret> token, Optional<URI> externalUrl) {
    this(token, externalUrl, "");
  }
  /** Long enough that guessing it over HTTP is hopeless. */
  public static final int MIN_TOKEN_LENGTH = 16;

  public WebConfig {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(externalUrl, "externalUrl");
    basePath = basePath(basePath);
  }

  /** The base path as a URL relative to the server's root: "" or like {@code earlybird/}. */
  public String belowRoot() {
    return basePath.isEmpty() ? "" : basePath.substring(1) + "/";
  }

  /**
   * A valid base path as given ("" and "/" both mean the root).
   *
   * @throws IllegalArgumentException what is wrong and what is expected
   */
  public static String basePath(String path) {
    Objects.requireNonNull(path, "basePath");
    String p = path.strip();
    if (p.isEmpty() || p.equals("/")) {
      return "";
    }
    String expected = "; expected a path like /earlybird (or empty for the root)";
    String given = "\"" + p + "\" ";
    if (!p.startsWith("/")) {
      throw new IllegalArgumentException(given + "does not start with '/'" + expected);
    }
    if (p.endsWith("/")) {
      throw new IllegalArgumentException(given + "ends with '/'" + expected);
    }
    for (String segment : p.substring(1).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(given + "has an empty, '.' or '..' segment" + expected);
      }
    }
    if (!p.chars().allMatch(c -> c == '/' || c == '-' || c == '_' || c == '.' || c == '~'
        || (c < 128 && Character.isLetterOrDigit(c)))) {
      throw new IllegalArgumentException(
          given + "holds characters other than letters, digits, '-', '_', '.', '~' and '/'" + expected);
    }
    return p;
  }
}

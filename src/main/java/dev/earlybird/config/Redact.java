package dev.earlybird.config;

import java.net.URI;
import java.util.regex.Pattern;

/** Removes credentials from URLs before they are printed. */
final class Redact {
  // pgjdbc takes the password as a URL parameter; userinfo (user:pass@) is not part of its URL syntax.
  private static final Pattern JDBC_PASSWORD =
      Pattern.compile("((?:[?&;])(?:password|sslpassword|sslkey)=)[^&;]*", Pattern.CASE_INSENSITIVE);

  private Redact() {}

  static String jdbcUrl(String url) {
    return JDBC_PASSWORD.matcher(url).replaceAll("$1***");
  }

  /** Drops user info; with {@code keepPath == false} also the path and query (Slack webhook URLs are the token). */
  static String url(URI uri, boolean keepPath) {
    String hostPort = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    String rest = keepPath ? (uri.getRawPath() == null ? "" : uri.getRawPath()) : "/***";
    return uri.getScheme() + "://" + (uri.getUserInfo() == null ? "" : "***@") + hostPort + rest;
  }
}

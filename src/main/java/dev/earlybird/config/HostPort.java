package dev.earlybird.config;

import java.util.Objects;

/** Where the agent listens (UI, API, metrics). {@code host} is an IPv6 address without brackets. */
public record HostPort(String host, int port) {
  public static final HostPort DEFAULT = new HostPort("127.0.0.1", 9860);
  private static final String EXPECTED =
      "expected host:port like 127.0.0.1:9860, :9860 (all interfaces) or [::1]:9860";

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isBlank() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '[')) {
      throw new IllegalArgumentException("bad host " + Values.quote(host));
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
  }

  /** Reads {@code host:port}, {@code :port} (all interfaces, 0.0.0.0) or {@code [v6-address]:port}. */
  public static HostPort parse(String text) {
    String s = text.strip();
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || !s.startsWith(":", close + 1)) {
        throw bad(text, "");
      }
      host = s.substring(1, close);
      port = s.substring(close + 2);
    } else {
      int colon = s.lastIndexOf(':');
      if (colon < 0) {
        throw bad(text, s.chars().allMatch(Character::isDigit) ? " (write :" + s + " for all interfaces)" : "");
      }
      host = s.substring(0, colon);
      if (host.contains(":")) {
        throw bad(text, " (put IPv6 addresses in brackets, like [::1]:9860)");
      }
      // ":9860" means every interface, as in Go and Prometheus exporters.
      host = host.isEmpty() ? "0.0.0.0" : host;
      port = s.substring(colon + 1);
    }
    int number;
    try {
      number = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw bad(text, "");
    }
    if (number < 0 || number > 65535) {
      throw bad(text, " (ports are 0..65535; 0 picks a free one)");
    }
    try {
      return new HostPort(host, number);
    } catch (IllegalArgumentException e) {
      throw bad(text, "");
    }
  }

  private static IllegalArgumentException bad(String text, String fix) {
    return new IllegalArgumentException(Values.quote(text) + " is not a listen address; " + EXPECTED + fix);
  }

  /**
   * How a process on this machine reaches an agent listening here, as an http URL ending in "/": an address of
   * every interface (0.0.0.0, ::) is reached on loopback.
   */
  public String localUrl() {
    String h = switch (host) {
      case "0.0.0.0" -> "127.0.0.1";
      case "::" -> "::1";
      default -> host;
    };
    return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port + "/";
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}

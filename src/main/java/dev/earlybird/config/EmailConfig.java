package dev.earlybird.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An SMTP server to mail morning reviews (and alerts) through. TLS is always on: {@code smtp://} upgrades with
 * STARTTLS and refuses a server that does not offer it; {@code smtps://} starts with TLS. Review digests name
 * tenants and statements, which must not cross a network in clear.
 *
 * @param smtp {@code smtp://host[:587]} or {@code smtps://host[:465]}
 * @param user with {@code password}, logs in; both absent: no login (a relay that trusts the agent's address)
 * @param caFile PEM certificate(s) to trust instead of the JVM's CAs, for a server with a private CA
 */
public record EmailConfig(
    URI smtp, String from, List<String> to, Optional<String> user, Optional<Secret> password, Optional<Path> caFile) {
  public static final int SUBMISSION_PORT = 587;
  public static final int SMTPS_PORT = 465;

  /** Enough to catch a typo (a missing @, a comma inside one entry); the server judges the rest. */
  static final Pattern ADDRESS = Pattern.compile("[^@\\s,;<>\"]+@[^@\\s,;<>\"]+\\.[^@\\s,;<>\"]+|[^@\\s,;<>\"]+@localhost");

  public EmailConfig {
    Objects.requireNonNull(smtp, "smtp");
    smtpUrl(smtp.toString());
    Objects.requireNonNull(from, "from");
    if (!ADDRESS.matcher(from).matches()) {
      throw new IllegalArgumentException("email from is not an address like earlybird@example.com");
    }
    to = List.copyOf(to);
    if (to.isEmpty()) {
      throw new IllegalArgumentException("email needs at least one address in to");
    }
    for (String address : to) {
      if (!ADDRESS.matcher(address).matches()) {
        throw new IllegalArgumentException("email to has an entry that is not an address like dba@example.com");
      }
    }
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(caFile, "caFile");
    if (user.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException("email user and password go together");
    }
  }

  /** True for {@code smtps://} (TLS from the start), false for {@code smtp://} (STARTTLS, required). */
  public boolean implicitTls() {
    return smtp.getScheme().equalsIgnoreCase("smtps");
  }

  public String host() {
    return smtp.getHost();
  }

  public int port() {
    return smtp.getPort() > 0 ? smtp.getPort() : implicitTls() ? SMTPS_PORT : SUBMISSION_PORT;
  }

  /** No password: it is a {@link Secret} and prints as ***. */
  @Override
  public String toString() {
    return "EmailConfig[smtp=" + smtp.getScheme() + "://" + host() + ":" + port() + ", from=" + from + ", to=" + to
        + ", user=" + user + ", password=" + password + ", caFile=" + caFile + "]";
  }

  static URI smtpUrl(String text) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("not a valid URL (" + e.getReason() + "); expected smtp://host:587 "
          + "(STARTTLS) or smtps://host:465");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!List.of("smtp", "smtps").contains(scheme) || uri.getHost() == null) {
      throw new IllegalArgumentException(Values.quote(text) + " is not an smtp URL with a host; expected "
          + "smtp://host:587 (STARTTLS) or smtps://host:465");
    }
    if (uri.getUserInfo() != null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()
        && !uri.getRawPath().equals("/")) || uri.getRawQuery() != null) {
      throw new IllegalArgumentException("an smtp URL has only a host and a port; put the login in user and "
          + "password, e.g. smtp://mail.example.com:587");
    }
    return uri;
  }
}

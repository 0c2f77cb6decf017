package dev.earlybird.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The family of a query: a hash of its normalized text, equal for the same SQL in every tenant database
 * (where queryid differs because table OIDs differ). Placeholders ({@code $1}, {@code ?}), numeric literals,
 * case and layout are folded so that pg_stat_statements text and Performance Insights digests agree.
 */
public final class QueryFamily {
  private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|--[^\\n]*", Pattern.DOTALL);
  private static final Pattern PLACEHOLDERS = Pattern.compile("\\$\\d+|\\?|\\b\\d+(\\.\\d+)?\\b");
  private static final Pattern SPACE = Pattern.compile("\\s+");
  private static final Pattern SPACE_AROUND_PUNCT = Pattern.compile("\\s*([(),;=<>+*/-])\\s*");

  private QueryFamily() {}

  /** Normalized form, exposed for tests and for joining texts from different sources. */
  public static String normalize(String text) {
    String s = COMMENTS.matcher(text).replaceAll(" ");
    s = PLACEHOLDERS.matcher(s).replaceAll("?");
    s = SPACE.matcher(s.toLowerCase(java.util.Locale.ROOT)).replaceAll(" ");
    s = SPACE_AROUND_PUNCT.matcher(s).replaceAll("$1");
    s = s.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s;
  }

  /** 16 hex digits (64 bits) of SHA-256 over the normalized text. */
  public static String of(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(normalize(text).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}

package dev.earlybird.alert;

import java.util.Locale;

/** Small text functions the receivers share: cutting to a receiver's limit, numbers in words. */
final class Texts {
  static final String ELLIPSIS = "…";

  private Texts() {}

  /**
   * At most {@code maxChars} UTF-16 chars (what Slack and PagerDuty count), cut on a code point boundary so no
   * surrogate pair is split, ending with an ellipsis when cut.
   */
  static String cut(String text, int maxChars) {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be at least 1");
    }
    if (text.length() <= maxChars) {
      return text;
    }
    int end = maxChars - ELLIPSIS.length();
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, Math.max(end, 0)) + ELLIPSIS;
  }

  /** One line: whitespace runs (newlines of a statement) become one space. */
  static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").strip();
  }

  /** 3 significant-ish digits, no exponent: 0.123, 12.3, 1234. */
  static String number(double value) {
    double a = Math.abs(value);
    String s;
    if (a >= 100 || a == Math.rint(a)) {
      s = String.format(Locale.ROOT, "%.0f", value);
    } else if (a >= 10) {
      s = String.format(Locale.ROOT, "%.1f", value);
    } else if (a >= 0.01) {
      s = String.format(Locale.ROOT, "%.2f", value);
    } else {
      s = String.format(Locale.ROOT, "%.4f", value);
    }
    return s;
  }

  /** Milliseconds in the unit a person reads best. */
  static String millis(double ms) {
    if (ms >= 60_000) {
      return number(ms / 60_000) + " min";
    }
    if (ms >= 1000) {
      return number(ms / 1000) + " s";
    }
    return number(ms) + " ms";
  }
}

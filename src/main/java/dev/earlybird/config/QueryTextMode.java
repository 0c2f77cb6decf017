package dev.earlybird.config;

import dev.earlybird.model.QueryTextRedactor;
import java.util.Locale;

/** {@code poll.queryText}: what of a statement's text is stored and shown; written in lowercase in YAML. */
public enum QueryTextMode {
  /** The text with the literals pg_stat_statements left in it replaced (passwords in utility statements). */
  REDACT,
  /** The text as pg_stat_statements shows it. */
  FULL,
  /** No text: {@link #WITHHELD} is stored and shown instead. */
  NONE;

  /** Stored and shown instead of each text with {@code none}: a comment, so it reads as SQL and says why. */
  public static final String WITHHELD = "/* query text withheld: poll.queryText is none */";

  /** What is stored and shown of {@code text} (as read from the server); null stays null. */
  public String apply(String text) {
    if (text == null) {
      return null;
    }
    return switch (this) {
      case REDACT -> QueryTextRedactor.redact(text);
      case FULL -> QueryTextRedactor.clean(text);
      case NONE -> WITHHELD;
    };
  }

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

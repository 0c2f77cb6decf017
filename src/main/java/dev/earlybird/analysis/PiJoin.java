package dev.earlybird.analysis;

import dev.earlybird.model.PiStatementLoad;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import dev.earlybird.history.StatementActivity;
import dev.earlybird.model.PiShare;

/**
 * Joins Performance Insights digests to pg_stat_statements entries of the same target. Pure.
 *
 * <p>A digest whose {@code db_id} is a queryid joins only to entries with that queryid, in whichever database
 * they are: text is never tried for it, so its load cannot leak to another database that runs similar SQL
 * under another queryid. A digest with a synthetic {@code pi-...} id joins by normalized text: PI writes
 * {@code ?} where pg_stat_statements writes {@code $1}, and cuts the text at 500 bytes, so a cut text matches as
 * a prefix.
 *
 * <p>PI keys load by digest, not by database. When a digest matches entries in several databases (databases
 * cloned from one template share queryids), its load is split in proportion to their execution time in the
 * window, as measured by pg_stat_statements; equally when none had any.
 */
public final class PiJoin {
  /** PI's limit on a text element; a text this long (in UTF-8 bytes) may have been cut. */
  static final int PI_TEXT_BYTES = 500;

  private static final Pattern PARAM = Pattern.compile("\\$\\d+");
  private static final Pattern SPACE = Pattern.compile("\\s+");

  private PiJoin() {}

  static final String QUERYID = "queryid";
  static final String TEXT = "text";

  /**
   * @param entries the target's pg_stat_statements entries; {@code execMs} (around the PI window) weighs a split,
   *     {@code text} null means it can only join by queryid
   */
  public static List<PiShare> join(List<PiStatementLoad> digests, List<StatementActivity> entries) {
    Map<Long, List<StatementActivity>> byQueryId = new HashMap<>();
    Map<String, List<StatementActivity>> byText = new HashMap<>();
    List<StatementActivity> withText = new ArrayList<>();
    for (StatementActivity e : entries) {
      byQueryId.computeIfAbsent(e.queryId(), k -> new ArrayList<>()).add(e);
      if (e.text() != null) {
        byText.computeIfAbsent(normalize(e.text()), k -> new ArrayList<>()).add(e);
        withText.add(e);
      }
    }
    List<PiShare> out = new ArrayList<>();
    for (PiStatementLoad d : digests) {
      OptionalLong queryId = d.queryId();
      List<StatementActivity> matched;
      String method;
      if (queryId.isPresent()) {
        matched = byQueryId.getOrDefault(queryId.getAsLong(), List.of());
        method = QUERYID;
      } else {
        matched = byText(d.statement(), byText, withText);
        method = TEXT;
      }
      if (matched.isEmpty()) {
        out.add(new PiShare(d.tokenizedId(), 0, 0, PiShare.PI_ONLY, 1, d.cpuMs(), d.loadMs()));
        continue;
      }
      double total = matched.stream().mapToDouble(e -> Math.max(0, e.execMs())).sum();
      for (StatementActivity e : matched) {
        double share = total > 0 ? Math.max(0, e.execMs()) / total : 1.0 / matched.size();
        out.add(new PiShare(d.tokenizedId(), e.dbId(), e.queryId(), method, share, d.cpuMs() * share,
            d.loadMs() * share));
      }
    }
    return out;
  }

  private static List<StatementActivity> byText(String piText, Map<String, List<StatementActivity>> byText, List<StatementActivity> withText) {
    String wanted = normalize(piText);
    if (wanted.isEmpty()) {
      return List.of();
    }
    if (piText.getBytes(StandardCharsets.UTF_8).length < PI_TEXT_BYTES - 4) {
      return byText.getOrDefault(wanted, List.of());
    }
    // Possibly cut: the last word may be broken, so match what comes before it as a prefix.
    int lastSpace = wanted.lastIndexOf(' ');
    String prefix = lastSpace > 0 ? wanted.substring(0, lastSpace) : wanted;
    List<StatementActivity> out = new ArrayList<>();
    for (StatementActivity e : withText) {
      if (normalize(e.text()).startsWith(prefix)) {
        out.add(e);
      }
    }
    return out;
  }

  /** {@code $n} to {@code ?}, whitespace runs to one space, no trailing semicolon, lowercase. */
  static String normalize(String text) {
    if (text == null) {
      return "";
    }
    String s = PARAM.matcher(text).replaceAll("?");
    s = SPACE.matcher(s).replaceAll(" ").strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s.toLowerCase(Locale.ROOT);
  }
}

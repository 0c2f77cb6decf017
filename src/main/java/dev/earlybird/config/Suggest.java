package dev.earlybird.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean ...?" for misspelt keys and names: case/underscore folding, then edit distance. */
final class Suggest {
  private Suggest() {}

  /** The candidate closest to {@code given}, if close enough to be a plausible typo. */
  static Optional<String> closest(String given, Collection<String> candidates) {
    String folded = fold(given);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      // text_refresh, TextRefresh and textrefresh all mean textRefresh.
      if (fold(candidate).equals(folded)) {
        return Optional.of(candidate);
      }
      // An abbreviation: "warn" for warning, "crit" for critical.
      if (folded.length() >= 3 && fold(candidate).startsWith(folded) && bestDistance > 0) {
        best = candidate;
        bestDistance = 0;
        continue;
      }
      int d = distance(folded, fold(candidate));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    // Allow roughly one typo per three characters, at most three: "pasword" -> password, not "url" -> "tls".
    int allowed = Math.min(3, Math.max(1, given.length() / 3));
    return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  private static String fold(String s) {
    return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }

  /** Optimal string alignment distance: Levenshtein plus transposition of neighbours ("pasword", "pssaword"). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}

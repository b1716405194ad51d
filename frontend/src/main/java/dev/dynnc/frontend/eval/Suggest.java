package dev.dynnc.frontend.eval;

import java.util.Collection;
import java.util.Optional;

/**
 * "Did you mean ...?" for misspelled names: the closest candidate by edit distance, if close.
 *
 * <p>Close means at most one edit for names of up to four characters and a third of the length
 * beyond that, like rustc's and CPython 3.10's suggestions; ties go to the first candidate.
 */
final class Suggest {
  private Suggest() {}

  static Optional<String> closest(String name, Collection<String> candidates) {
    int limit = Math.max(1, name.length() / 3);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      if (c.equals(name) || Math.abs(c.length() - name.length()) > limit) {
        continue;
      }
      int d = distance(name, c);
      if (d <= limit && d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** A hint for {@link #closest}, or null when nothing is close. */
  static String hint(String name, Collection<String> candidates) {
    return closest(name, candidates).map(c -> "did you mean '" + c + "'?").orElse(null);
  }

  /** Levenshtein distance, counting a swap of two adjacent characters as one edit. */
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
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}

package dev.dynnc.frontend.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A line-based unified diff (LCS, three lines of context), for golden-test failure messages.
 *
 * <p>Golden files are small (a few hundred lines), so the quadratic LCS table is fine and keeps
 * this free of a diff library dependency.
 */
public final class UnifiedDiff {
  private static final int CONTEXT = 3;

  private UnifiedDiff() {}

  /** The diff from {@code expected} to {@code actual}; empty when they are equal. */
  public static String diff(String expectedName, String expected, String actualName, String actual) {
    List<String> a = lines(expected);
    List<String> b = lines(actual);
    if (a.equals(b)) {
      return "";
    }
    int n = a.size();
    int m = b.size();
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    // Edit script: ' ' keep, '-' delete from a, '+' insert from b; with positions in a and b.
    List<char[]> kinds = new ArrayList<>();
    List<int[]> pos = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a.get(i).equals(b.get(j))) {
        kinds.add(new char[] {' '});
        pos.add(new int[] {i++, j++});
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        kinds.add(new char[] {'-'}); // deletions before insertions, as diff -u prints them
        pos.add(new int[] {i++, j});
      } else {
        kinds.add(new char[] {'+'});
        pos.add(new int[] {i, j++});
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("--- ").append(expectedName).append('\n');
    out.append("+++ ").append(actualName).append('\n');
    int k = 0;
    int total = kinds.size();
    while (k < total) {
      if (kinds.get(k)[0] == ' ') {
        k++;
        continue;
      }
      // A hunk: from CONTEXT lines before this change to CONTEXT lines after the last change
      // that is within 2 * CONTEXT unchanged lines of the previous one.
      int start = Math.max(0, k - CONTEXT);
      int end = k;
      int lastChange = k;
      while (end < total) {
        if (kinds.get(end)[0] != ' ') {
          lastChange = end;
        } else if (end - lastChange > 2 * CONTEXT) {
          break;
        }
        end++;
      }
      end = Math.min(total, lastChange + CONTEXT + 1);
      int aStart = pos.get(start)[0];
      int bStart = pos.get(start)[1];
      int aLen = 0;
      int bLen = 0;
      StringBuilder body = new StringBuilder();
      for (int x = start; x < end; x++) {
        char c = kinds.get(x)[0];
        String line = c == '+' ? b.get(pos.get(x)[1]) : a.get(pos.get(x)[0]);
        body.append(c).append(line).append('\n');
        if (c != '+') {
          aLen++;
        }
        if (c != '-') {
          bLen++;
        }
      }
      out.append("@@ -").append(aStart + 1).append(',').append(aLen)
          .append(" +").append(bStart + 1).append(',').append(bLen).append(" @@\n");
      out.append(body);
      k = end;
    }
    return out.toString();
  }

  private static List<String> lines(String s) {
    List<String> out = new ArrayList<>(List.of(s.split("\n", -1)));
    if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }
}

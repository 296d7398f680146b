package io.rapport.rules;

import java.util.ArrayList;
import java.util.List;

/** Offsets in a text and the line and column a person finds them at (both from 1). */
final class FilePositions {
  private final String text;
  private final int[] lineStarts;

  /** Lines end at \n, \r\n or \r: the line breaks of Java (and so of JavaParser). */
  FilePositions(String text) {
    this.text = text;
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
        starts.add(i + 1);
      }
    }
    lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
  }

  String text() {
    return text;
  }

  /** The offset of a line (from 1) and column (from {@code firstColumn}), clamped to the text. */
  int offset(int line, int column, int firstColumn) {
    if (line < 1) {
      return 0;
    }
    int start = lineStarts[Math.min(line, lineStarts.length) - 1];
    return Math.max(0, Math.min(text.length(), start + Math.max(0, column - firstColumn)));
  }

  int line(int offset) {
    int i = java.util.Arrays.binarySearch(lineStarts, Math.max(0, offset));
    return i >= 0 ? i + 1 : -i - 1;
  }

  int column(int offset) {
    return Math.max(0, offset) - lineStarts[line(offset) - 1] + 1;
  }

  RuleProblem problem(String file, int offset, String message) {
    return new RuleProblem(file, line(offset), column(offset), message);
  }

  /**
   * Where {@code fragment}, a piece of this text a parser handed back, starts: at {@code hint} if it
   * is there, else the first occurrence after it, else anywhere; -1 when it is not in the text at
   * all (a parser that rewrote it).
   */
  int find(String fragment, int hint) {
    int from = Math.max(0, Math.min(hint, text.length()));
    if (text.startsWith(fragment, from)) {
      return from;
    }
    int after = text.indexOf(fragment, from);
    return after >= 0 ? after : text.indexOf(fragment);
  }
}

package io.rapport.rules;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A condition of a pattern ({@code stage in ("A", "B")}, {@code $v : value}) in the Java form
 * JavaParser reads, with the way back to the original text for positions. Only the MVEL forms
 * the default rules use are translated: a binding in front, and {@code in} / {@code not in}
 * lists, which become a comparison with a marker call, {@code stage == $in$("A", "B")}. Map
 * access {@code properties["name"]} and {@code ==} on text already read as Java.
 */
final class ConditionText {
  /** The marker of an {@code in} list; a name no rule file uses (checked). */
  static final String IN = "$in$";

  private static final Pattern BINDING = Pattern.compile("^\\s*(\\$?[A-Za-z_][A-Za-z0-9_]*)\\s*:(?!=)");
  private static final Pattern UNIFICATION = Pattern.compile("^\\s*\\$?[A-Za-z_][A-Za-z0-9_]*\\s*:=");
  private static final Pattern IN_LIST = Pattern.compile("(not\\s+)?in\\s*\\(");

  private final String java;
  private final int[] origin;
  private final String binding;
  private final int bindingOffset;

  private ConditionText(String java, int[] origin, String binding, int bindingOffset) {
    this.java = java;
    this.origin = origin;
    this.binding = binding;
    this.bindingOffset = bindingOffset;
  }

  /** @throws Refusal when the condition uses a form that has no Java reading */
  static ConditionText of(String mvel) {
    if (mvel.contains(IN)) {
      throw new Refusal(mvel.indexOf(IN), "'" + IN + "' is not allowed in rules");
    }
    if (UNIFICATION.matcher(mvel).find()) {
      throw new Refusal(0, "unification (':=') is not allowed in rules: bind with ':'");
    }
    String binding = null;
    int bindingOffset = 0;
    int start = 0;
    Matcher b = BINDING.matcher(mvel);
    if (b.find()) {
      binding = b.group(1);
      bindingOffset = b.start(1);
      start = b.end();
    }
    StringBuilder out = new StringBuilder(mvel.length() + 16);
    int[] origin = new int[mvel.length() * 2 + 16];
    int n = 0;
    int i = start;
    while (i < mvel.length()) {
      char c = mvel.charAt(i);
      if (c == '"' || c == '\'') {
        int end = endOfLiteral(mvel, i);
        for (int k = i; k < end; k++) {
          origin = grow(origin, n);
          origin[n++] = k;
          out.append(mvel.charAt(k));
        }
        i = end;
        continue;
      }
      if (startsWord(mvel, i)) {
        Matcher in = IN_LIST.matcher(mvel).region(i, mvel.length());
        if (in.lookingAt()) {
          String replacement = (in.group(1) == null ? " == " : " != ") + IN + "(";
          for (int k = 0; k < replacement.length(); k++) {
            origin = grow(origin, n);
            origin[n++] = i;
            out.append(replacement.charAt(k));
          }
          i = in.end();
          continue;
        }
      }
      origin = grow(origin, n);
      origin[n++] = i;
      out.append(c);
      i++;
    }
    origin = grow(origin, n);
    origin[n] = mvel.length();
    return new ConditionText(out.toString(), origin, binding, bindingOffset);
  }

  /** The condition as Java. */
  String java() {
    return java;
  }

  /** The name bound in front ({@code $v : value}), or null. */
  String binding() {
    return binding;
  }

  int bindingOffset() {
    return bindingOffset;
  }

  /** The offset in the original text of an offset in the Java form. */
  int originalOffset(int javaOffset) {
    return origin[Math.max(0, Math.min(javaOffset, java.length()))];
  }

  private static boolean startsWord(String s, int i) {
    if (i > 0) {
      char before = s.charAt(i - 1);
      if (Character.isJavaIdentifierPart(before) || before == '.') {
        return false;
      }
    }
    return Character.isJavaIdentifierStart(s.charAt(i));
  }

  /** The end (exclusive) of the quoted literal starting at {@code i}, with backslash escapes. */
  private static int endOfLiteral(String s, int i) {
    char quote = s.charAt(i);
    int k = i + 1;
    while (k < s.length() && s.charAt(k) != quote) {
      k += s.charAt(k) == '\\' ? 2 : 1;
    }
    return Math.min(s.length(), k + 1);
  }

  private static int[] grow(int[] a, int n) {
    return n < a.length ? a : Arrays.copyOf(a, a.length * 2);
  }
}

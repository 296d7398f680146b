package io.rapport.rules;

/** A compile error or warning in a rule file, where a marketer can find it. */
public record RuleProblem(String file, int line, int column, String message) {

  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message;
  }
}

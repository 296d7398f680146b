package io.rapport.rules;

/**
 * Something a rule may not do, found at an offset of the text being checked (a condition or a
 * consequence); the caller turns the offset into a line and column of the rule file.
 */
final class Refusal extends RuntimeException {
  private final transient int offset;

  Refusal(int offset, String message) {
    super(message, null, false, false);
    this.offset = offset;
  }

  int offset() {
    return offset;
  }

  /** A name the rule may not use, with the usual advice. */
  static Refusal name(int offset, String name) {
    return new Refusal(offset, "'" + name + "' is not allowed in rules: use the fact model and the journey API");
  }
}

package io.rapport.engine.access;

/** What a key lets its holder do. The admin key is accepted for every scope. */
public enum Scope {
  /** Send touchpoints. */
  INGEST("ingest"),
  /** Read customers, journeys, rules and stats. */
  READ("read"),
  /** Everything: change rules, run simulations, redecide, and all the rest. */
  ADMIN("admin");

  private final String word;

  Scope(String word) {
    this.word = word;
  }

  /** How the scope is named in messages and key files: the key file is {@code <word>.key}. */
  public String word() {
    return word;
  }
}

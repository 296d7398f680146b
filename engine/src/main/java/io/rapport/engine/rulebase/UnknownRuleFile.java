package io.rapport.engine.rulebase;

/** A file or version the rule base does not have: HTTP 404. */
public final class UnknownRuleFile extends RuntimeException {
  public UnknownRuleFile(String what) {
    super("no such rule file or version: " + what);
  }
}

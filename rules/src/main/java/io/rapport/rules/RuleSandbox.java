package io.rapport.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The first wall around rule files, which are untrusted input: each file is parsed, and what it
 * may contain is an allow-list ({@link AllowList}) checked on its structure, not on its text.
 * The second wall, {@link CompiledRuleCheck}, reads the classes the compiler made of it.
 */
final class RuleSandbox {
  static final int MAX_FILE_CHARS = 256 * 1024;
  static final int MAX_TOTAL_CHARS = 2 * 1024 * 1024;
  static final int MAX_FILES = 200;

  private RuleSandbox() {}

  /** Every problem of every file, with file, line and column; empty when all may run. */
  static List<RuleProblem> check(Map<String, String> files) {
    List<RuleProblem> problems = new ArrayList<>();
    if (files.size() > MAX_FILES) {
      problems.add(new RuleProblem("", 0, 0, "too many rule files (" + files.size() + ", at most " + MAX_FILES + ")"));
    }
    long total = files.values().stream().mapToLong(String::length).sum();
    if (total > MAX_TOTAL_CHARS) {
      problems.add(new RuleProblem("", 0, 0, "rule files too large in total (" + total + " characters, at most " + MAX_TOTAL_CHARS + ")"));
    }
    if (!problems.isEmpty()) {
      return problems;
    }
    files.forEach((file, text) -> {
      if (!file.endsWith(".drl")) {
        problems.add(new RuleProblem(file, 0, 0, "a rule file's name must end in .drl"));
      } else if (text.length() > MAX_FILE_CHARS) {
        problems.add(new RuleProblem(file, 0, 0, "file too large (" + text.length() + " characters, at most " + MAX_FILE_CHARS + ")"));
      } else {
        problems.addAll(RuleFileCheck.check(file, text));
      }
    });
    return problems;
  }
}

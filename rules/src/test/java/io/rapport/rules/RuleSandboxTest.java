package io.rapport.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Hostile rule files are refused before they are compiled, with a message saying why. */
class RuleSandboxTest {
  private static final String HEAD = """
      package rapport.journey
      import io.rapport.rules.Customer
      import io.rapport.rules.Touchpoint
      global io.rapport.rules.Journey journey
      """;

  private static String rule(String then) {
    return HEAD + "rule \"hostile\"\nwhen\n    $c : Customer()\nthen\n    " + then + "\nend\n";
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      System.exit                  | System.exit(0);                                                   | 'System'
      Runtime exec                 | Runtime.getRuntime().exec("rm -rf /");                             | 'Runtime'
      reflection                   | $c.getClass().getDeclaredField("id").setAccessible(true);          | 'getClass'
      class loading                | Class.forName("x");                                                | 'Class'
      fully qualified file access  | java.nio.file.Files.delete(null);                                  | names a class outside the fact model
      threads                      | new Thread(() -> {}).start();                                      | 'new'
      the Drools session           | drools.getKieRuntime().halt();                                     | 'drools'
      the rule context             | kcontext.getKieRuntime();                                          | 'kcontext'
      network                      | java.net.Socket s = null;                                          | names a class outside the fact model
      unicode escapes              | \\u0053ystem.exit(0);                                              | unicode escapes
      """)
  void aConsequenceThatReachesOutIsRefused(String what, String then, String message) {
    assertThatThrownBy(() -> RuleBook.compile(Map.of("rapport/journey/hostile.drl", rule(then))))
        .isInstanceOfSatisfying(InvalidRulesException.class, e -> assertThat(e.problems())
            .anySatisfy(p -> {
              assertThat(p.file()).isEqualTo("rapport/journey/hostile.drl");
              assertThat(p.line()).isEqualTo(9);
              assertThat(p.message()).contains(message);
            }));
  }

  @Test
  void importsOtherThanTheFactModelAreRefused() {
    String drl = HEAD.replace("import io.rapport.rules.Touchpoint", "import java.io.File") + "rule \"x\" when Customer() then end\n";
    assertThatThrownBy(() -> RuleBook.compile(Map.of("rapport/journey/x.drl", drl)))
        .hasMessageContaining("import of java.io.File is not allowed");
    String fn = HEAD + "import function java.lang.System.exit\nrule \"x\" when Customer() then end\n";
    assertThatThrownBy(() -> RuleBook.compile(Map.of("rapport/journey/x.drl", fn)))
        .hasMessageContaining("'import function' is not allowed");
  }

  @Test
  void functionsDeclarationsOtherGlobalsAndDialectsAreRefused() {
    assertThatThrownBy(() -> RuleBook.compile(Map.of("rapport/journey/f.drl",
        HEAD + "function void boom() { }\nrule \"x\" when Customer() then end\n")))
        .hasMessageContaining("'function' is not allowed");
    assertThatThrownBy(() -> RuleBook.compile(Map.of("rapport/journey/d.drl",
        HEAD + "declare Evil\n  x : String\nend\nrule \"x\" when Customer() then end\n")))
        .hasMessageContaining("'declare' is not allowed");
    assertThatThrownBy(() -> RuleBook.compile(Map.of("rapport/journey/g.drl",
        HEAD + "global java.util.List sink\nrule \"x\" when Customer() then end\n")))
        .hasMessageContaining("only 'global io.rapport.rules.Journey journey' is allowed");
    assertThatThrownBy(() -> RuleBook.compile(Map.of("rapport/journey/m.drl",
        HEAD + "rule \"x\" dialect \"mvel\" when Customer() then end\n")))
        .hasMessageContaining("'dialect' is not allowed");
  }

  @Test
  void hugeFilesAreRefusedBeforeCompiling() {
    String huge = HEAD + "// " + "x".repeat(RuleSandbox.MAX_FILE_CHARS) + "\n";
    assertThatThrownBy(() -> RuleBook.compile(Map.of("rapport/journey/huge.drl", huge)))
        .hasMessageContaining("file too large");
  }

  @Test
  void wordsInCommentsAndRuleNamesAreNotMistakenForCode() {
    String drl = HEAD + "// System of record: new customers\nrule \"Runtime of a new Thread\"\nwhen\n    $c : Customer()\n"
        + "then\n    journey.send($c, \"email\", \"System.exit\");\nend\n";
    RuleBook book = RuleBook.compile(Map.of("rapport/journey/ok.drl", drl));
    assertThat(book.ruleNames()).containsExactly("Runtime of a new Thread");
  }
}

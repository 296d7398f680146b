package io.rapport.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile corpus: every file under test resources {@code hostile/} says on its first line
 * what it tries and what must happen to it. Most are refused before they compile, at the line of
 * the offending construct and naming it; the few that only running can bound fail their decision
 * within the budget, and the thread goes on deciding.
 */
class RuleSandboxTest {
  private static final Pattern REFUSED = Pattern.compile("Expect: refused at line (\\d+): (.+)$");
  private static final Pattern BOUNDED = Pattern.compile("Expect: bounded at run time$");
  /** The budget is 200 ms between firings; this leaves room for a cold session on a busy machine. */
  private static final Duration BOUND = Duration.ofSeconds(3);
  private static final RuleBook DEFAULTS = RuleBook.defaults();

  static Stream<Arguments> hostileFiles() throws IOException, URISyntaxException {
    Path dir = Path.of(RuleSandboxTest.class.getResource("/hostile").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> drl = files.filter(p -> p.toString().endsWith(".drl")).sorted().toList();
      List<Arguments> args = new java.util.ArrayList<>();
      for (Path p : drl) {
        args.add(Arguments.of(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8)));
      }
      return args.stream();
    }
  }

  @Test
  void theCorpusCoversEveryTrickOfTheIssueAndMore() throws Exception {
    assertThat(hostileFiles().count()).isGreaterThanOrEqualTo(30);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileFiles")
  void aHostileRuleFileIsRefusedWhereItGoesWrongOrBoundedAtRunTime(String name, String drl) {
    String file = "rapport/journey/" + name;
    String expectation = drl.lines().findFirst().orElse("");
    Matcher refused = REFUSED.matcher(expectation);
    if (refused.find()) {
      int line = Integer.parseInt(refused.group(1));
      String naming = refused.group(2).strip();
      assertThatThrownBy(() -> RuleBook.compile(Map.of(file, drl)))
          .isInstanceOfSatisfying(InvalidRulesException.class, e -> {
            RuleProblem first = e.problems().get(0);
            assertThat(first.file()).isEqualTo(file);
            assertThat(first.line()).as(first.toString()).isEqualTo(line);
            assertThat(first.column()).as(first.toString()).isPositive();
            assertThat(first.message()).as(first.toString()).contains(naming);
          });
    } else {
      assertThat(BOUNDED.matcher(expectation).find()).as("%s says what it expects on its first line", name).isTrue();
      decidingFailsWithinTheBudgetAndTheThreadGoesOn(RuleBook.compile(Map.of(file, drl)));
    }
  }

  private static void decidingFailsWithinTheBudgetAndTheThreadGoesOn(RuleBook hostile) {
    for (int i = 1; i <= 2; i++) {
      long start = System.nanoTime();
      Decision d = hostile.decide(new Customer("c-" + i), touchpoint("t-" + i, "purchase"));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(d.failedToDecide()).as("decision %d: %s", i, d).isTrue();
      assertThat(d.error()).contains("rule");
      assertThat(took).as("decision %d took", i).isLessThan(BOUND);
    }
    assertThat(hostile.sessionsOpened()).as("a session left mid-way is not reused").isEqualTo(2);
    Customer c = new Customer("c-ok");
    Decision fine = DEFAULTS.decide(c, touchpoint("t-ok", "purchase"));
    assertThat(fine.failedToDecide()).isFalse();
    assertThat(c.getStage()).isEqualTo("NEW_CUSTOMER");
  }

  /** A touchpoint that gives the hostile rules what they look for: nested and long properties. */
  static Touchpoint touchpoint(String id, String type) {
    return new Touchpoint(id, "c", type, Instant.parse("2026-03-01T10:00:00Z"), "web", new BigDecimal("10"), "EUR",
        Map.of("nested", Map.of("a", List.of(1, 2)), "big", "x".repeat(5000), "q", "aaaa"));
  }

  @Test
  void theDefaultRulesPassTheSandboxUnchanged() {
    assertThat(RuleSandbox.check(RuleFiles.defaults())).isEmpty();
  }

  @Test
  void hugeFilesAreRefusedBeforeCompiling() {
    String huge = "package rapport.journey\n// " + "x".repeat(RuleSandbox.MAX_FILE_CHARS) + "\n";
    assertThatThrownBy(() -> RuleBook.compile(Map.of("rapport/journey/huge.drl", huge)))
        .hasMessageContaining("file too large");
  }

  @Test
  void wordsInCommentsStringsAndRuleNamesAreNotMistakenForCode() {
    String drl = """
        package rapport.journey
        import io.rapport.rules.Customer
        global io.rapport.rules.Journey journey
        // System of record: new customers
        rule "Runtime of a new Thread"
        when
            $c : Customer()
        then
            journey.send($c, "email", "System.exit(0); new Thread() while(true)");
        end
        """;
    RuleBook book = RuleBook.compile(Map.of("rapport/journey/ok.drl", drl));
    assertThat(book.ruleNames()).containsExactly("Runtime of a new Thread");
  }

  @Test
  void aFileThatDoesNotParseIsRefusedWithItsPosition() {
    assertThatThrownBy(() -> RuleBook.compile(Map.of("rapport/journey/broken.drl",
        "package rapport.journey\nrule \"x\"\nwhen\n    Customer( \nthen\nend\n")))
        .isInstanceOfSatisfying(InvalidRulesException.class, e -> assertThat(e.problems())
            .allSatisfy(p -> assertThat(p.line()).isPositive()));
  }
}

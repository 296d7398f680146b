package io.rapport.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rapport.rules.scenario.InvalidScenarioException;
import io.rapport.rules.scenario.ScenarioFiles;
import io.rapport.rules.scenario.ScenarioResult;
import io.rapport.rules.scenario.ScenarioRunner;
import org.junit.jupiter.api.Test;

/** A wrong expectation must fail, saying what differed: a scenario test that cannot fail is no test. */
class ScenarioRunnerTest {
  private final ScenarioRunner runner = new ScenarioRunner(RuleBook.defaults());

  @Test
  void aWrongExpectationFailsAndSaysWhatDiffered() {
    var s = ScenarioFiles.parse("wrong.yaml", """
        - name: first purchase
          touchpoints:
            - { type: purchase, at: 2026-01-01T10:00:00Z, value: 20 }
          expect:
            stage: LOYAL
            transitions: [ PROSPECT->REPEAT ]
            actions: [ email:welcome ]
        """).get(0);
    ScenarioResult r = runner.run(s);
    assertThat(r.passed()).isFalse();
    assertThat(r.differences()).containsExactly(
        "stage: expected LOYAL, got NEW_CUSTOMER",
        "transitions: expected [PROSPECT->REPEAT], got [PROSPECT->NEW_CUSTOMER]",
        "actions[1]: expected email:welcome, got email:welcome-first-purchase");
  }

  @Test
  void aScenarioFileWithATypoIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> ScenarioFiles.parse("typo.yaml", """
        - name: x
          touchpoint: []
          expect: { stage: LEAD }
        """)).isInstanceOf(InvalidScenarioException.class).hasMessageContaining("typo.yaml: x: unknown key 'touchpoint'");
    assertThatThrownBy(() -> ScenarioFiles.parse("time.yaml", """
        - name: y
          touchpoints: [ { type: purchase, at: tomorrow } ]
          expect: { stage: LEAD }
        """)).hasMessageContaining("touchpoints[1].at 'tomorrow' is not an ISO-8601 time");
    assertThatThrownBy(() -> ScenarioFiles.parse("empty.yaml", """
        - name: z
          touchpoints: [ { type: purchase, at: 2026-01-01T00:00:00Z } ]
        """)).hasMessageContaining("'expect' must say what should happen");
  }
}

package io.rapport.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.rules.scenario.Scenario;
import io.rapport.rules.scenario.ScenarioFiles;
import io.rapport.rules.scenario.ScenarioResult;
import io.rapport.rules.scenario.ScenarioRunner;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every scenario a marketer wrote beside the default rules, as a JUnit test of its own. */
class DefaultScenariosTest {

  @TestFactory
  Stream<DynamicTest> everyDefaultScenarioPasses() {
    ScenarioRunner runner = new ScenarioRunner(RuleBook.defaults());
    Map<String, String> files = RuleFiles.defaultScenarios();
    assertThat(files).isNotEmpty();
    return files.entrySet().stream()
        .flatMap(f -> ScenarioFiles.parse(f.getKey(), f.getValue()).stream())
        .map(s -> DynamicTest.dynamicTest(s.title(), () -> {
          ScenarioResult r = runner.run(s);
          assertThat(r.differences()).as(s.title()).isEmpty();
        }));
  }

  @TestFactory
  Stream<DynamicTest> everyDefaultRuleFileHasScenarios() {
    Map<String, String> scenarios = RuleFiles.defaultScenarios();
    return RuleFiles.defaults().keySet().stream()
        .map(drl -> DynamicTest.dynamicTest(drl, () -> {
          String yaml = drl.replace(RuleFiles.DEFAULT_FOLDER + "/", RuleFiles.DEFAULT_FOLDER + "/scenarios/").replace(".drl", ".yaml");
          assertThat(scenarios).containsKey(yaml);
          List<Scenario> parsed = ScenarioFiles.parse(yaml, scenarios.get(yaml));
          assertThat(parsed).isNotEmpty();
        }));
  }
}
